/*
 * 一门 Yimen LED board (窗口屏) on an RS-485 bus: 64×16 red dots from
 * sixteen 8×8 MAX7219 matrix modules (four common "4-in-1" FC-16 strips,
 * two per row), fed GNU Unifont bitmaps the host renders (SHOW_BITMAP).
 * Board: Arduino Uno/Nano (ATmega328P), or any Arduino-core board.
 * Wiring (../README.md): MAX485 on D0/D1 with DE+/RE on D2; the modules'
 * DIN on D11, CLK on D13, CS/LOAD on D10, chained top-left → top-right →
 * bottom-left → bottom-right; 5 V at 2 A or more for the modules.
 * Needs the YimenProto library (../YimenProto). Protocol: ../../PROTOCOL.md.
 */
#include <yimen_board.h>
#include <yimen_max7219.h>

#define PIN_DIR 2
#define PIN_LOAD 10
#define PIN_NOISE A3 /* leave unconnected: entropy for the hwid */
#define WIDTH 64
#define HEIGHT 16
#define MODULES (WIDTH / 8 * HEIGHT / 8)
#define MIRROR 0 /* 1 if the modules show text mirrored (some clones) */
#define BLINK_MS 5000

#ifdef __AVR__
#include <avr/pgmspace.h>
#define FONT_ROM PROGMEM
#define font_at(i) pgm_read_byte(&FONT[i])
#else
#define FONT_ROM
#define font_at(i) FONT[i]
#endif

static yp_device dev;
static uint8_t fb[HEIGHT][WIDTH / 8]; /* MSB = leftmost dot, as SHOW_BITMAP */
static uint8_t dirty = 1, blinking;
static unsigned long blink_from;

/* 5×7 glyphs for SHOW_NUMBER (when the host cannot send a bitmap):
 * 0-9, A-Z, '-'; five columns each, bit 0 = top */
static const uint8_t FONT[37 * 5] FONT_ROM = {
	0x3E, 0x51, 0x49, 0x45, 0x3E, 0x00, 0x42, 0x7F, 0x40, 0x00, 0x42, 0x61, 0x51, 0x49, 0x46,
	0x21, 0x41, 0x45, 0x4B, 0x31, 0x18, 0x14, 0x12, 0x7F, 0x10, 0x27, 0x45, 0x45, 0x45, 0x39,
	0x3C, 0x4A, 0x49, 0x49, 0x30, 0x01, 0x71, 0x09, 0x05, 0x03, 0x36, 0x49, 0x49, 0x49, 0x36,
	0x06, 0x49, 0x49, 0x29, 0x1E, 0x7E, 0x11, 0x11, 0x11, 0x7E, 0x7F, 0x49, 0x49, 0x49, 0x36,
	0x3E, 0x41, 0x41, 0x41, 0x22, 0x7F, 0x41, 0x41, 0x22, 0x1C, 0x7F, 0x49, 0x49, 0x49, 0x41,
	0x7F, 0x09, 0x09, 0x09, 0x01, 0x3E, 0x41, 0x49, 0x49, 0x7A, 0x7F, 0x08, 0x08, 0x08, 0x7F,
	0x00, 0x41, 0x7F, 0x41, 0x00, 0x20, 0x40, 0x41, 0x3F, 0x01, 0x7F, 0x08, 0x14, 0x22, 0x41,
	0x7F, 0x40, 0x40, 0x40, 0x40, 0x7F, 0x02, 0x0C, 0x02, 0x7F, 0x7F, 0x04, 0x08, 0x10, 0x7F,
	0x3E, 0x41, 0x41, 0x41, 0x3E, 0x7F, 0x09, 0x09, 0x09, 0x06, 0x3E, 0x41, 0x51, 0x21, 0x5E,
	0x7F, 0x09, 0x19, 0x29, 0x46, 0x46, 0x49, 0x49, 0x49, 0x31, 0x01, 0x01, 0x7F, 0x01, 0x01,
	0x3F, 0x40, 0x40, 0x40, 0x3F, 0x1F, 0x20, 0x40, 0x20, 0x1F, 0x3F, 0x40, 0x38, 0x40, 0x3F,
	0x63, 0x14, 0x08, 0x14, 0x63, 0x07, 0x08, 0x70, 0x08, 0x07, 0x61, 0x51, 0x49, 0x45, 0x43,
	0x08, 0x08, 0x08, 0x08, 0x08,
};

static int glyph_index(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return 10 + c - 'A';
	if (c >= 'a' && c <= 'z')
		return 10 + c - 'a';
	if (c == '-')
		return 36;
	return -1;
}

static void dot(uint8_t x, uint8_t y)
{
	if (x < WIDTH && y < HEIGHT)
		fb[y][x / 8] |= (uint8_t)(0x80 >> (x % 8));
}

/* text draws ASCII at twice the 5×7 size (10×14), centred */
static void text(const char *s, uint8_t n)
{
	memset(fb, 0, sizeof fb);
	if (n > 5)
		n = 5;
	uint8_t x0 = (uint8_t)((WIDTH - (n * 12 - 2)) / 2);
	for (uint8_t i = 0; i < n; i++) {
		int g = glyph_index(s[i]);
		if (g < 0)
			continue;
		for (uint8_t col = 0; col < 5; col++) {
			uint8_t bits = font_at(g * 5 + col);
			for (uint8_t row = 0; row < 7; row++) {
				if (!(bits & (1 << row)))
					continue;
				uint8_t x = (uint8_t)(x0 + i * 12 + col * 2), y = (uint8_t)(1 + row * 2);
				dot(x, y);
				dot((uint8_t)(x + 1), y);
				dot(x, (uint8_t)(y + 1));
				dot((uint8_t)(x + 1), (uint8_t)(y + 1));
			}
		}
	}
	dirty = 1;
}

static uint8_t on_show(yp_device *d, const yp_frame *f)
{
	(void)d;
	const uint8_t *p = f->payload;
	if (f->len < 1)
		return YP_NAK_BAD_PAYLOAD;
	if (f->type == YP_SHOW_BITMAP) {
		if (f->len < 4)
			return YP_NAK_BAD_PAYLOAD;
		uint16_t w = (uint16_t)(p[1] | (uint16_t)p[2] << 8);
		uint8_t h = p[3], stride = (uint8_t)((w + 7) / 8);
		if (f->len != 4u + (uint16_t)stride * h)
			return YP_NAK_BAD_PAYLOAD;
		memset(fb, 0, sizeof fb);
		for (uint8_t y = 0; y < h && y < HEIGHT; y++)
			for (uint8_t b = 0; b < stride && b < WIDTH / 8; b++)
				fb[y][b] = p[4 + (uint16_t)y * stride + b];
		dirty = 1;
	} else if (f->type == YP_SHOW_NUMBER) {
		if (f->len < 4 || f->len < 4u + p[3])
			return YP_NAK_BAD_PAYLOAD;
		if (p[3] == 0 && (p[0] & 0x02))
			text("----", 4); /* 暂停服务 / 暂未开放 */
		else
			text((const char *)p + 4, p[3]);
	} else {
		return YP_NAK_UNSUPPORTED; /* no font for SHOW_TEXT on this board */
	}
	blinking = (p[0] & 0x01) != 0;
	blink_from = millis();
	return 0;
}

/* a refused HELLO means the manager has not approved this board yet */
static void on_nak(yp_device *d, uint8_t type, uint8_t seq, uint8_t code)
{
	(void)d;
	(void)seq;
	if (type == YP_HELLO && code == YP_NAK_UNPAIRED)
		text("PAIR", 4);
}

static uint8_t reverse(uint8_t b)
{
	b = (uint8_t)((b & 0xF0) >> 4 | (b & 0x0F) << 4);
	b = (uint8_t)((b & 0xCC) >> 2 | (b & 0x33) << 2);
	return (uint8_t)((b & 0xAA) >> 1 | (b & 0x55) << 1);
}

/* push sends the frame buffer: register r of module m is row r of its 8×8 */
static void push(void)
{
	uint8_t data[MODULES];
	for (uint8_t r = 0; r < 8; r++) {
		for (uint8_t m = 0; m < MODULES; m++) {
			uint8_t row = (uint8_t)((m / (WIDTH / 8)) * 8 + r), col = (uint8_t)(m % (WIDTH / 8));
			data[m] = MIRROR ? reverse(fb[row][col]) : fb[row][col];
		}
		ym_write((uint8_t)(r + 1), data, 0);
	}
}

void setup(void)
{
	static const yb_config cfg = {3 /* 窗口屏 */, 0x02 /* BITMAP */, WIDTH, HEIGHT, PIN_DIR, PIN_NOISE, 9600, on_show, on_nak};
	ym_begin(PIN_LOAD, MODULES);
	yb_begin(&dev, &cfg);
}

void loop(void)
{
	static uint8_t lit = 1;
	yb_service(&dev);
	if (dirty) {
		dirty = 0;
		push(); /* ~0.3 ms at 8 MHz SPI: the bus answer can wait that long */
	}
	uint8_t want = 1;
	if (blinking) {
		unsigned long t = millis() - blink_from;
		if (t >= BLINK_MS)
			blinking = 0;
		else
			want = (uint8_t)((t / 400) % 2 == 0);
	}
	if (want != lit) {
		lit = want;
		ym_on(lit);
	}
}
