/* MAX7219 driver for the Yimen sketches; see yimen_max7219.h. */
#include "yimen_max7219.h"

#include <SPI.h>

#ifdef __AVR__
#include <avr/pgmspace.h>
#define SEG_ROM PROGMEM
#define seg_at(i) pgm_read_byte(&SEG[i])
#else
#define SEG_ROM
#define seg_at(i) SEG[i]
#endif

static uint8_t cs_pin, chips;

/* segments: bit 6 = a … bit 0 = g (the MAX7219's no-decode order) */
static const uint8_t SEG[36] SEG_ROM = {
	0x7E, 0x30, 0x6D, 0x79, 0x33, 0x5B, 0x5F, 0x70, 0x7F, 0x7B,     /* 0-9 */
	0x77, 0x1F, 0x4E, 0x3D, 0x4F, 0x47, 0x5E, 0x37, 0x06, 0x3C,     /* A-J */
	0x57, 0x0E, 0x55, 0x15, 0x1D, 0x67, 0x73, 0x05, 0x5B, 0x0F,     /* K-T */
	0x3E, 0x1C, 0x5C, 0x49, 0x3B, 0x6D,                             /* U-Z */
};

void ym_write(uint8_t reg, const uint8_t *data, uint8_t v)
{
	SPI.beginTransaction(SPISettings(8000000UL, MSBFIRST, SPI_MODE0));
	digitalWrite(cs_pin, LOW);
	/* the first bytes shifted in end up in the last chip of the chain */
	for (uint8_t i = chips; i-- > 0;) {
		SPI.transfer(reg);
		SPI.transfer(data ? data[i] : v);
	}
	digitalWrite(cs_pin, HIGH);
	SPI.endTransaction();
}

void ym_on(uint8_t on) { ym_write(0x0C, NULL, on ? 1 : 0); }

void ym_begin(uint8_t cs, uint8_t n)
{
	cs_pin = cs;
	chips = n;
	pinMode(cs_pin, OUTPUT);
	digitalWrite(cs_pin, HIGH);
	SPI.begin();
	ym_write(0x0F, NULL, 0); /* display test off */
	ym_write(0x09, NULL, 0); /* no BCD decode: raw segments or matrix rows */
	ym_write(0x0B, NULL, 7); /* scan all 8 digits/rows */
	ym_write(0x0A, NULL, 8); /* medium brightness */
	for (uint8_t r = 1; r <= 8; r++)
		ym_write(r, NULL, 0);
	ym_on(1);
}

static uint8_t glyph(char c)
{
	if (c >= '0' && c <= '9')
		return seg_at(c - '0');
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return seg_at(10 + c - 'A');
	if (c == '-')
		return 0x01;
	return 0;
}

void ym_seg_text(const char *text)
{
	uint8_t digit[8];
	uint8_t n = 0;
	memset(digit, 0, sizeof digit);
	for (; *text && n < 8; text++) {
		if (*text == '.' && n > 0) {
			digit[n - 1] |= 0x80;
			continue;
		}
		digit[n++] = glyph(*text);
	}
	/* digit register 8 is the leftmost on the common modules */
	for (uint8_t i = 0; i < 8; i++)
		ym_write((uint8_t)(8 - i), NULL, digit[i]);
}
