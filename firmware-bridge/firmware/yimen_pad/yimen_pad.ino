/*
 * 一门 Yimen reference firmware: call pad (呼叫器) on an RS-485 bus.
 * Board: Arduino Uno/Nano (ATmega328P) or ESP32; MAX485 transceiver with
 * DE/RE on pin RS485_DIR; keys on a 4x4 matrix; 1602 LCD optional.
 *
 * Copy ../proto.c and ../proto.h next to this sketch (Arduino builds every
 * .c file in the sketch folder). Protocol: ../../PROTOCOL.md.
 */
#include <EEPROM.h>
#include "proto.h"

#define RS485_DIR 2
#define BAUD 9600
#define EEPROM_ADDR 0 /* byte 0: bus address, 0xFF = unprovisioned */

static yp_device dev;
static uint8_t transfer_pending; /* 转办 pressed, waiting for a digit */

/* Physical key → protocol key code; 0 = digit key handled separately. */
static const uint8_t KEYMAP[16] = {
	0x01 /*叫号*/, 0x02 /*重呼*/, 0x03 /*过号*/, 0x04 /*转办*/,
	0x05 /*暂停*/, 0x06 /*恢复*/, 0x07 /*办结*/, 0x08 /*开始*/,
	0, 0, 0, 0, 0, 0, 0, 0 /* digits 1..8 */
};

static void bus_send(yp_device *d, const uint8_t *b, size_t n)
{
	(void)d;
	digitalWrite(RS485_DIR, HIGH); /* drive the bus only while answering */
	Serial.write(b, n);
	Serial.flush();                /* wait for the last stop bit */
	digitalWrite(RS485_DIR, LOW);
}

static uint8_t on_show(yp_device *d, const yp_frame *f)
{
	(void)d;
	if (f->type == YP_SHOW_NUMBER && f->len >= 4) {
		/* payload: flags, waiting u16 LE, n, number */
		uint16_t waiting = (uint16_t)(f->payload[1] | (f->payload[2] << 8));
		(void)waiting; /* lcd.print(number); lcd.print(waiting); */
		return 0;
	}
	return 0x01; /* this pad has no text/bitmap display */
}

static void on_addr(yp_device *d)
{
	EEPROM.write(EEPROM_ADDR, d->addr);
}

static int scan_keys(void)
{
	/* Board-specific matrix scan with debounce; returns 0..15 or -1. */
	return -1;
}

void setup(void)
{
	pinMode(RS485_DIR, OUTPUT);
	digitalWrite(RS485_DIR, LOW);
	Serial.begin(BAUD);
	uint8_t a = EEPROM.read(EEPROM_ADDR);
	dev.addr = (a >= 0x01 && a <= 0xF6) ? a : YP_ADDR_UNPROVISIONED;
	/* Factory-burnt unique id, e.g. from the ESP32 MAC or an AVR signature row. */
	const uint8_t id[8] = {'Y', 'M', 0, 1, 0, 0, 0, 0x2A};
	memcpy(dev.hwid, id, 8);
	dev.kind = 1; /* 呼叫器 */
	dev.caps = 0x04;
	dev.fw[0] = 1;
	dev.on_show = on_show;
	dev.on_addr = on_addr;
	yp_device_init(&dev);
}

void loop(void)
{
	uint8_t buf[32];
	int n = 0;
	while (Serial.available() && n < (int)sizeof buf)
		buf[n++] = (uint8_t)Serial.read();
	if (n)
		yp_feed(&dev, buf, (size_t)n, bus_send);

	int k = scan_keys();
	if (k < 0)
		return;
	if (KEYMAP[k] == 0x04) {
		transfer_pending = 1; /* show "转办 选择类别" and wait for a digit */
	} else if (KEYMAP[k]) {
		yp_queue_key(&dev, KEYMAP[k], 0, 0);
	} else if (transfer_pending) {
		yp_queue_key(&dev, 0x04, (uint8_t)(k - 7), 0); /* category 1..8 */
		transfer_pending = 0;
	}
}
