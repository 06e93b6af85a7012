/* Shared board plumbing of the Yimen sketches; see yimen_board.h. */
#include "yimen_board.h"

#include <EEPROM.h>

#include "hmac_sha256.h"

static uint8_t dir_pin;

static void ee_commit(void)
{
#if defined(ESP32)
	EEPROM.commit(); /* ESP32 emulates EEPROM in flash: nothing is kept without it */
#endif
}

static void save_addr(yp_device *d)
{
	EEPROM.update(YB_EE_ADDR, d->addr);
	ee_commit();
}

static void save_secret(yp_device *d)
{
	for (uint8_t i = 0; i < YP_SECRET_LEN; i++)
		EEPROM.update(YB_EE_SECRET + i, d->secret[i]);
	EEPROM.update(YB_EE_SECRET_MARK, YB_MARK);
	ee_commit();
}

/* make_hwid gives the unit its 8-byte id (PROTOCOL.md §2, hwid). */
static void make_hwid(uint8_t id[8], uint8_t noise_pin)
{
#if defined(ESP32)
	uint64_t mac = ESP.getEfuseMac(); /* factory-unique */
	id[0] = 'Y';
	id[1] = 'M';
	for (uint8_t i = 0; i < 6; i++)
		id[2 + i] = (uint8_t)(mac >> (8 * i));
	(void)noise_pin;
#elif defined(ARDUINO_ARCH_SAMD)
	/* SAMD21: the 128-bit serial number in four words of the NVM area */
	static const uint32_t addrs[4] = {0x0080A00CUL, 0x0080A040UL, 0x0080A044UL, 0x0080A048UL};
	uint8_t serial[16], sum[YP_SHA256_LEN];
	yp_sha256 s;
	for (uint8_t i = 0; i < 4; i++) {
		uint32_t w = *(volatile const uint32_t *)addrs[i];
		for (uint8_t k = 0; k < 4; k++)
			serial[4 * i + k] = (uint8_t)(w >> (8 * k));
	}
	yp_sha256_init(&s);
	yp_sha256_update(&s, serial, sizeof serial);
	yp_sha256_final(&s, sum);
	memcpy(id, sum, 8);
	(void)noise_pin;
#else
	/* ATmega328P has no unique id: make one at first boot and keep it.
	 * Entropy: a floating analog pin's noise and the jitter between the
	 * ADC and the microsecond timer, whitened by SHA-256. */
	if (EEPROM.read(YB_EE_HWID_MARK) == YB_MARK) {
		for (uint8_t i = 0; i < 8; i++)
			id[i] = EEPROM.read(YB_EE_HWID + i);
		return;
	}
	uint8_t sum[YP_SHA256_LEN];
	yp_sha256 s;
	yp_sha256_init(&s);
	for (uint16_t i = 0; i < 512; i++) {
		uint16_t a = (uint16_t)analogRead(noise_pin);
		unsigned long t = micros();
		uint8_t sample[3] = {(uint8_t)a, (uint8_t)(a >> 8), (uint8_t)t};
		yp_sha256_update(&s, sample, sizeof sample);
	}
	yp_sha256_final(&s, sum);
	memcpy(id, sum, 8);
	for (uint8_t i = 0; i < 8; i++)
		EEPROM.update(YB_EE_HWID + i, id[i]);
	EEPROM.update(YB_EE_HWID_MARK, YB_MARK);
	ee_commit();
#endif
}

static void bus_send(yp_device *d, const uint8_t *b, size_t n)
{
	if (!d->push)
		digitalWrite(dir_pin, HIGH); /* drive the bus only while answering */
	Serial.write(b, n);
	Serial.flush(); /* returns after the last stop bit */
	if (!d->push)
		digitalWrite(dir_pin, LOW);
}

void yb_begin(yp_device *d, const yb_config *c)
{
#if defined(ESP32)
	EEPROM.begin(YB_EE_SIZE);
#endif
	dir_pin = c->dir_pin;
	pinMode(dir_pin, OUTPUT);
	digitalWrite(dir_pin, LOW);
	Serial.begin(c->baud);
	uint8_t a = EEPROM.read(YB_EE_ADDR);
	d->addr = (a >= 0x01 && a <= 0xF6) ? a : YP_ADDR_UNPROVISIONED;
	make_hwid(d->hwid, c->noise_pin);
	if (EEPROM.read(YB_EE_SECRET_MARK) == YB_MARK) {
		for (uint8_t i = 0; i < YP_SECRET_LEN; i++)
			d->secret[i] = EEPROM.read(YB_EE_SECRET + i);
		d->has_secret = 1;
	}
	d->kind = c->kind;
	d->caps = c->caps;
	d->width = c->width;
	d->height = c->height;
	d->fw[0] = YB_FW_MAJOR;
	d->fw[1] = YB_FW_MINOR;
	d->fw[2] = YB_FW_PATCH;
	d->on_show = c->on_show;
	d->on_nak = c->on_nak;
	d->on_addr = save_addr;
	d->on_secret = save_secret;
	yp_device_init(d);
}

uint8_t yb_show_number(const yp_frame *f, char *number, uint8_t cap, uint16_t *waiting, uint8_t *flags)
{
	if (f->type != YP_SHOW_NUMBER)
		return YP_NAK_UNSUPPORTED;
	if (f->len < 4 || f->len < 4u + f->payload[3])
		return YP_NAK_BAD_PAYLOAD;
	uint8_t n = f->payload[3] < cap - 1 ? f->payload[3] : (uint8_t)(cap - 1);
	memcpy(number, f->payload + 4, n);
	number[n] = 0;
	*waiting = (uint16_t)(f->payload[1] | (uint16_t)f->payload[2] << 8);
	*flags = f->payload[0];
	return 0;
}

void yb_service(yp_device *d)
{
	uint8_t buf[32];
	size_t n = 0;
	while (Serial.available() && n < sizeof buf)
		buf[n++] = (uint8_t)Serial.read();
	if (n)
		yp_feed(d, buf, n, bus_send);
}
