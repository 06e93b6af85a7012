/*
 * What every Yimen sketch does the same way: the unit's hwid, the bus
 * address and pairing secret kept in EEPROM, the RS-485 transceiver, and
 * feeding the bus into the protocol state machine. C++ (Arduino core).
 */
#ifndef YIMEN_BOARD_H
#define YIMEN_BOARD_H

#include <Arduino.h>

#include "proto.h"

/* EEPROM layout (32 bytes; ESP32 reserves them with EEPROM.begin) */
#define YB_EE_ADDR 0         /* bus address, 0xFF = none (factory) */
#define YB_EE_HWID 1         /* 8 bytes, generated at first boot (AVR) */
#define YB_EE_HWID_MARK 9    /* YB_MARK once the hwid is stored */
#define YB_EE_SECRET 10      /* 16 bytes: the pairing secret */
#define YB_EE_SECRET_MARK 26 /* YB_MARK once a secret is stored */
#define YB_EE_SIZE 32
#define YB_MARK 0xA5

typedef struct {
	uint8_t kind, caps; /* PROTOCOL.md §2 */
	uint16_t width;
	uint8_t height;
	uint8_t dir_pin;    /* RS-485 DE and /RE, tied together */
	uint8_t noise_pin;  /* an unconnected analog pin: entropy for the hwid */
	unsigned long baud; /* 9600 unless the hall's bus runs faster */
	yp_show_fn on_show; /* draws a new SHOW_* */
	yp_nak_fn on_nak;   /* tells the user the host refused an event */
} yb_config;

/* The firmware version every sketch reports in its HELLO. */
#define YB_FW_MAJOR 1
#define YB_FW_MINOR 1
#define YB_FW_PATCH 0

/* Set up the transceiver, load (or make) the hwid, address and secret,
 * and queue the HELLO. */
void yb_begin(yp_device *d, const yb_config *c);
/* Read what the bus delivered and answer it; call it every loop(), and
 * never block loop() for more than a millisecond or so (PROTOCOL.md §3:
 * answers start within 2 ms). */
void yb_service(yp_device *d);
/* Parse a SHOW_NUMBER: the number (at most cap-1 characters kept,
 * NUL-terminated), the count waiting (0xFFFF: none) and the flags.
 * Returns 0, or the NAK code for a frame that is not one. */
uint8_t yb_show_number(const yp_frame *f, char *number, uint8_t cap, uint16_t *waiting, uint8_t *flags);
/* A millisecond deadline helper that survives millis() wrapping. */
static inline int yb_elapsed(unsigned long since, unsigned long ms)
{
	return (unsigned long)(millis() - since) >= ms;
}

#endif
