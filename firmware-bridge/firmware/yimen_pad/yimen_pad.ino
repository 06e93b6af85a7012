/*
 * 一门 Yimen call pad (呼叫器) on an RS-485 bus.
 * Board: Arduino Uno/Nano (ATmega328P), or any Arduino-core board.
 * Wiring (../README.md): MAX485 on D0/D1 with DE+/RE on D2; a 4×5 key
 * matrix, rows D3–D6, columns D7, D8, A0, A1, A2; an 8-digit MAX7219
 * 7-segment module on D11 (DIN), D13 (CLK), D10 (LOAD); a buzzer on D9.
 * Needs the YimenProto library (../YimenProto). Protocol: ../../PROTOCOL.md.
 *
 * Keys, calculator style: a number typed before a key is its argument.
 *   叫号 重呼 过号 暂停 恢复 办结   as on the clerk page
 *   n 转办    transfer to category n (1-based, the hall's order)
 *   n 暂停    pause with reason n;   1 办结 承诺件, 2 办结 咨询, 办结 即办件
 *   签到      sign in: staff number #, PIN # (签到 again: 签退)
 *   n #       叫回: call back the ticket parked at the window whose number
 *             ends in n (12 for B012); # alone: the first parked
 *   *         clear what was typed
 */
#include <yimen_board.h>
#include <yimen_max7219.h>

#define PIN_DIR 2
#define PIN_BUZZER 9
#define PIN_LOAD 10
#define PIN_NOISE A3     /* leave unconnected: entropy for the hwid */
#define STAFF_PREFIX 'S' /* the hall's staff ids: S01, S02, … */
#define TYPED_MAX 8

static const uint8_t ROWS[4] = {3, 4, 5, 6};
static const uint8_t COLS[5] = {7, 8, A0, A1, A2};

/* key codes of the matrix, row by row; digits are '0'…'9' */
enum { K_NONE = 0, K_CLEAR = '*', K_ENTER = '#', K_NEXT = 0x81, K_RECALL, K_NOSHOW, K_TRANSFER,
       K_PAUSE, K_RESUME, K_FINISH, K_SIGN };
static const uint8_t KEYMAP[4][5] = {
	{'1', '2', '3', K_NEXT, K_RECALL},
	{'4', '5', '6', K_NOSHOW, K_TRANSFER},
	{'7', '8', '9', K_PAUSE, K_RESUME},
	{K_CLEAR, '0', K_ENTER, K_FINISH, K_SIGN},
};

static yp_device dev;

/* what the host asked us to show (SHOW_NUMBER) */
static char number[9];
static uint16_t waiting = 0xFFFF;
static uint8_t paused, dirty = 1;

/* what the clerk is typing */
static char typed[TYPED_MAX + 1];
static uint8_t ntyped;
static unsigned long typed_at;
enum { MODE_KEYS, MODE_STAFF, MODE_PIN };
static uint8_t mode = MODE_KEYS, signed_in;
static char staff[TYPED_MAX + 2];

/* a message shown for a few seconds (a refusal) */
static char note[9];
static unsigned long note_at;

static uint8_t on_show(yp_device *d, const yp_frame *f)
{
	(void)d;
	uint8_t flags, nak = yb_show_number(f, number, sizeof number, &waiting, &flags);
	if (nak)
		return nak; /* a 7-segment pad shows numbers only */
	paused = (flags & 0x02) != 0;
	dirty = 1;
	return 0;
}

static void show_note(const char *text)
{
	strncpy(note, text, sizeof note - 1);
	note_at = millis();
	dirty = 1;
	digitalWrite(PIN_BUZZER, HIGH);
}

/* the host refused an event: E4 请登录/操作无效, E5 待配对, E1/E2 格式错误 */
static void on_nak(yp_device *d, uint8_t type, uint8_t seq, uint8_t code)
{
	(void)d;
	(void)seq;
	if (type == YP_SIGN_IN)
		signed_in = 0;
	char text[5] = {'E', ' ', (char)('0' + (code % 10)), 0, 0};
	show_note(text);
}

static void redraw(void)
{
	char line[9];
	if (note[0]) {
		ym_seg_text(note);
		return;
	}
	memset(line, ' ', 8);
	line[8] = 0;
	if (mode == MODE_STAFF || mode == MODE_PIN) {
		line[0] = mode == MODE_STAFF ? 'S' : 'P';
		for (uint8_t i = 0; i < ntyped && i < 6; i++)
			line[2 + i] = mode == MODE_PIN ? '-' : typed[i];
	} else if (paused) {
		memcpy(line, "PAUSE", 5);
	} else {
		uint8_t n = (uint8_t)strlen(number);
		if (n == 0)
			memcpy(line, "----", 4);
		else
			memcpy(line, number, n < 5 ? n : 5);
	}
	if (mode == MODE_KEYS && ntyped) { /* the argument being typed, right */
		line[7] = typed[ntyped - 1];
	} else if (mode == MODE_KEYS && waiting != 0xFFFF) {
		uint16_t w = waiting > 999 ? 999 : waiting;
		for (uint8_t i = 7; i >= 5; i--) {
			line[i] = (char)('0' + w % 10);
			w /= 10;
			if (!w)
				break;
		}
	}
	ym_seg_text(line);
}

/* scan_keys returns a key that went down (debounced 20 ms), or K_NONE. */
static uint8_t scan_keys(void)
{
	static uint8_t last = K_NONE, stable = K_NONE;
	static unsigned long changed;
	uint8_t now = K_NONE;
	for (uint8_t r = 0; r < 4; r++) {
		digitalWrite(ROWS[r], LOW);
		for (uint8_t c = 0; c < 5; c++)
			if (digitalRead(COLS[c]) == LOW)
				now = KEYMAP[r][c];
		digitalWrite(ROWS[r], HIGH);
	}
	if (now != last) {
		last = now;
		changed = millis();
		return K_NONE;
	}
	if (now == stable || !yb_elapsed(changed, 20))
		return K_NONE;
	stable = now;
	return now; /* K_NONE when released */
}

static uint8_t typed_number(void)
{
	uint16_t v = 0;
	for (uint8_t i = 0; i < ntyped; i++)
		v = (uint16_t)(v * 10 + (uint16_t)(typed[i] - '0'));
	return v > 255 ? 255 : (uint8_t)v;
}

/* typed_tail is the last two digits typed as 叫回's argument: 1–99, 100
 * for a number ending in 00, 0 when nothing was typed (the first parked). */
static uint8_t typed_tail(void)
{
	uint8_t v;
	if (!ntyped)
		return 0;
	v = (uint8_t)(typed[ntyped - 1] - '0');
	if (ntyped > 1)
		v = (uint8_t)(v + 10 * (typed[ntyped - 2] - '0'));
	return v ? v : 100;
}

static void clear_typed(void)
{
	ntyped = 0;
	typed[0] = 0;
	dirty = 1;
}

static void key_with_arg(uint8_t code)
{
	if (yp_queue_key(&dev, code, typed_number(), 0) != 0)
		show_note("FULL");
	clear_typed();
}

static void sign_in(void)
{
	uint8_t p[2 + 2 * (TYPED_MAX + 1)];
	uint8_t sn = (uint8_t)strlen(staff), pn = ntyped;
	p[0] = sn;
	memcpy(p + 1, staff, sn);
	p[1 + sn] = pn;
	memcpy(p + 2 + sn, typed, pn);
	if (yp_queue(&dev, YP_SIGN_IN, p, (uint8_t)(2 + sn + pn)) == 0)
		signed_in = 1;
	clear_typed();
	mode = MODE_KEYS;
}

static void on_key(uint8_t k)
{
	typed_at = millis();
	if (k >= '0' && k <= '9') {
		if (ntyped < TYPED_MAX) {
			typed[ntyped++] = (char)k;
			typed[ntyped] = 0;
		}
		dirty = 1;
		return;
	}
	if (k == K_CLEAR) {
		clear_typed();
		mode = MODE_KEYS;
		return;
	}
	if (mode == MODE_STAFF && k == K_ENTER) {
		staff[0] = STAFF_PREFIX;
		memcpy(staff + 1, typed, ntyped + 1);
		clear_typed();
		mode = MODE_PIN;
		return;
	}
	if (mode == MODE_PIN && k == K_ENTER) {
		sign_in();
		return;
	}
	switch (k) {
	case K_ENTER: /* 叫回 a parked ticket */
		if (yp_queue_key(&dev, 0x0C, typed_tail(), 0) != 0)
			show_note("FULL");
		clear_typed();
		break;
	case K_NEXT:
		key_with_arg(0x01);
		break;
	case K_RECALL:
		key_with_arg(0x02);
		break;
	case K_NOSHOW:
		key_with_arg(0x03);
		break;
	case K_TRANSFER:
		if (!ntyped) {
			show_note("ZB ?"); /* type the category number first */
			break;
		}
		key_with_arg(0x04);
		break;
	case K_PAUSE:
		key_with_arg(0x05);
		break;
	case K_RESUME:
		key_with_arg(0x06);
		break;
	case K_FINISH:
		key_with_arg(0x07);
		break;
	case K_SIGN:
		if (signed_in) {
			yp_queue_key(&dev, 0x09, 0, 0); /* 签退 */
			signed_in = 0;
			show_note("BYE");
		} else {
			clear_typed();
			mode = MODE_STAFF;
		}
		break;
	}
}

void setup(void)
{
	static const yb_config cfg = {1 /* 呼叫器 */, 0x04 /* NUMBER */, 0, 0, PIN_DIR, PIN_NOISE, 9600, on_show, on_nak};
	for (uint8_t r = 0; r < 4; r++) {
		pinMode(ROWS[r], OUTPUT);
		digitalWrite(ROWS[r], HIGH);
	}
	for (uint8_t c = 0; c < 5; c++)
		pinMode(COLS[c], INPUT_PULLUP);
	pinMode(PIN_BUZZER, OUTPUT);
	ym_begin(PIN_LOAD, 1);
	yb_begin(&dev, &cfg);
}

void loop(void)
{
	yb_service(&dev);
	uint8_t k = scan_keys();
	if (k != K_NONE)
		on_key(k);
	if (ntyped && mode == MODE_KEYS && yb_elapsed(typed_at, 5000))
		clear_typed(); /* a forgotten argument must not ride on a later key */
	if (note[0] && yb_elapsed(note_at, 300))
		digitalWrite(PIN_BUZZER, LOW);
	if (note[0] && yb_elapsed(note_at, 3000)) {
		note[0] = 0;
		dirty = 1;
	}
	if (dirty) {
		dirty = 0;
		redraw();
	}
}
