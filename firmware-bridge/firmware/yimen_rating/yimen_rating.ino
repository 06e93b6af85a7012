/*
 * 一门 Yimen rating pad (评价器) on an RS-485 bus: five score keys, then
 * for a low score (不满意, 非常不满意) one of five reason keys.
 * Board: Arduino Uno/Nano (ATmega328P), or any Arduino-core board.
 * Wiring (../README.md): MAX485 on D0/D1 with DE+/RE on D2; score keys
 * 非常满意 … 非常不满意 on D3–D7, reason keys 1–5 on D8, D9, A0, A1, A2
 * (each key to GND); the "请选择原因" lamp on A3; a 4-digit-or-more MAX7219
 * 7-segment module on D11 (DIN), D13 (CLK), D10 (LOAD) for the number.
 * Needs the YimenProto library (../YimenProto). Protocol: ../../PROTOCOL.md.
 *
 * Reasons (the daemon's default order; printed on the key caps):
 * 1 等候时间长  2 态度不好  3 办事效率低  4 材料要求不清楚  5 没有办成
 */
#include <yimen_board.h>
#include <yimen_max7219.h>

#define PIN_DIR 2
#define PIN_LOAD 10
#define PIN_LAMP A3
#define PIN_NOISE A5 /* leave unconnected: entropy for the hwid */
#define REASON_WAIT_MS 10000

static const uint8_t SCORE_PINS[5] = {3, 4, 5, 6, 7};     /* score 5 … 1 */
static const uint8_t REASON_PINS[5] = {8, 9, A0, A1, A2}; /* reason 1 … 5 */

static yp_device dev;
static char number[9];
static uint8_t dirty = 1;
static uint8_t low_score;     /* a low score waiting for its reason, or 0 */
static unsigned long low_at;
static char note[9];
static unsigned long note_at;

static uint8_t on_show(yp_device *d, const yp_frame *f)
{
	(void)d;
	uint16_t waiting;
	uint8_t flags, nak = yb_show_number(f, number, sizeof number, &waiting, &flags);
	dirty = 1;
	return nak;
}

static void show_note(const char *t)
{
	strncpy(note, t, sizeof note - 1);
	note_at = millis();
	dirty = 1;
}

/* NAK 4 on a rating: nothing awaits a rating, or this ticket was rated */
static void on_nak(yp_device *d, uint8_t type, uint8_t seq, uint8_t code)
{
	(void)d;
	(void)seq;
	if (type == YP_RATING && code == YP_NAK_REFUSED)
		show_note("DONE");
	else if (code == YP_NAK_UNPAIRED)
		show_note("PAIR");
}

/* pressed returns the index of a key in pins that went down, or -1;
 * state keeps each group's debounce (20 ms). */
typedef struct {
	int8_t last, stable;
	unsigned long changed;
} debounce;

static int8_t pressed(const uint8_t *pins, debounce *st)
{
	int8_t now = -1;
	for (int8_t i = 0; i < 5; i++)
		if (digitalRead(pins[i]) == LOW)
			now = i;
	if (now != st->last) {
		st->last = now;
		st->changed = millis();
		return -1;
	}
	if (now == st->stable || !yb_elapsed(st->changed, 20))
		return -1;
	st->stable = now;
	return now;
}

static void rate(uint8_t score, uint8_t reason)
{
	show_note(yp_queue_rating(&dev, score, reason) == 0 ? "THANK U" : "FULL");
	low_score = 0;
	digitalWrite(PIN_LAMP, LOW);
}

void setup(void)
{
	static const yb_config cfg = {2 /* 评价器 */, 0x04 /* NUMBER */, 0, 0, PIN_DIR, PIN_NOISE, 9600, on_show, on_nak};
	for (uint8_t i = 0; i < 5; i++) {
		pinMode(SCORE_PINS[i], INPUT_PULLUP);
		pinMode(REASON_PINS[i], INPUT_PULLUP);
	}
	pinMode(PIN_LAMP, OUTPUT);
	ym_begin(PIN_LOAD, 1);
	yb_begin(&dev, &cfg);
}

void loop(void)
{
	static debounce scores = {-1, -1, 0}, reasons = {-1, -1, 0};
	yb_service(&dev);
	int8_t s = pressed(SCORE_PINS, &scores), r = pressed(REASON_PINS, &reasons);
	if (s >= 0) {
		uint8_t score = (uint8_t)(5 - s);
		if (score >= 3) {
			rate(score, 0);
		} else { /* 不满意 or 非常不满意: ask why */
			low_score = score;
			low_at = millis();
			digitalWrite(PIN_LAMP, HIGH);
			show_note("REASON");
		}
	} else if (r >= 0 && low_score) {
		rate(low_score, (uint8_t)(r + 1));
	} else if (low_score && yb_elapsed(low_at, REASON_WAIT_MS)) {
		rate(low_score, 0); /* no reason given */
	}
	if (note[0] && !low_score && yb_elapsed(note_at, 3000)) {
		note[0] = 0;
		dirty = 1;
	}
	if (dirty) {
		dirty = 0;
		ym_seg_text(note[0] ? note : number[0] ? number : "--------");
	}
}
