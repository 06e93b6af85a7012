/*
 * MAX7219 over hardware SPI: one chip as an 8-digit 7-segment display (the
 * pads), or a chain of chips driving 8×8 LED matrices (the LED board). The
 * MAX7219 keeps what it was sent, so nothing needs refreshing.
 */
#ifndef YIMEN_MAX7219_H
#define YIMEN_MAX7219_H

#include <Arduino.h>

/* Set the chain up: cs is the LOAD pin, n the chips in the chain. */
void ym_begin(uint8_t cs, uint8_t n);
/* Write register reg of every chip; data[i] goes to the i-th chip from
 * the microcontroller (NULL: the same value v to all). */
void ym_write(uint8_t reg, const uint8_t *data, uint8_t v);
/* Blank or light the whole chain (shutdown register). */
void ym_on(uint8_t on);
/* One chip as 8 seven-segment digits: text left-aligned, up to 8 of
 * 0-9 A-Z - and space (letters as 7 segments allow); '.' after a character
 * lights its decimal point. */
void ym_seg_text(const char *text);

#endif
