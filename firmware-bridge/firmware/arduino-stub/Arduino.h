/*
 * A minimal stand-in for the Arduino core, only so that CI can compile and
 * link the sketches for an ATmega328P and a Cortex-M0 without the Arduino
 * toolchain (build.sh). It declares the part of the core the sketches use;
 * arduino_stub.cpp defines it with no hardware behind it. The real core
 * (Arduino IDE or arduino-cli) replaces both when flashing a board.
 */
#ifndef YIMEN_ARDUINO_STUB_H
#define YIMEN_ARDUINO_STUB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t byte;

#define HIGH 1
#define LOW 0
#define INPUT 0
#define OUTPUT 1
#define INPUT_PULLUP 2

#define A0 14
#define A1 15
#define A2 16
#define A3 17
#define A4 18
#define A5 19
#define A6 20
#define A7 21

void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t val);
int digitalRead(uint8_t pin);
int analogRead(uint8_t pin);
unsigned long millis(void);
unsigned long micros(void);
void delay(unsigned long ms);
void delayMicroseconds(unsigned int us);

class HardwareSerial {
public:
	void begin(unsigned long baud);
	int available(void);
	int read(void);
	size_t write(const uint8_t *buf, size_t n);
	void flush(void); /* returns after the last stop bit */
};
extern HardwareSerial Serial;

void setup(void);
void loop(void);

#endif
