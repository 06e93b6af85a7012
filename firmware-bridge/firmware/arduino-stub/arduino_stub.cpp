/*
 * Definitions for the stand-in core (see Arduino.h): enough to link, with
 * state a compiler cannot optimise away, and main() as the core has it.
 */
#include "Arduino.h"
#include "EEPROM.h"
#include "SPI.h"

static volatile uint8_t io_reg;    /* where pin and bus writes go */
static volatile uint32_t clock_us; /* a clock nothing advances but reads */

void pinMode(uint8_t pin, uint8_t mode) { io_reg = (uint8_t)(pin ^ mode); }
void digitalWrite(uint8_t pin, uint8_t val) { io_reg = (uint8_t)(pin ^ val); }
int digitalRead(uint8_t pin) { return (io_reg >> (pin & 7)) & 1; }
int analogRead(uint8_t pin) { return io_reg + pin; }
unsigned long millis(void) { return clock_us / 1000; }
unsigned long micros(void) { return clock_us += 4; }
void delay(unsigned long ms) { clock_us += ms * 1000; }
void delayMicroseconds(unsigned int us) { clock_us += us; }

HardwareSerial Serial;
void HardwareSerial::begin(unsigned long baud) { io_reg = (uint8_t)baud; }
int HardwareSerial::available(void) { return io_reg & 1; }
int HardwareSerial::read(void) { return io_reg; }
size_t HardwareSerial::write(const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		io_reg = buf[i];
	return n;
}
void HardwareSerial::flush(void) { io_reg = 0; }

EEPROMClass EEPROM;
/* EEPROM is not RAM: the stand-in keeps no copy, so RAM figures stay true */
uint8_t EEPROMClass::read(int addr) { return (uint8_t)(io_reg ^ addr); }
void EEPROMClass::write(int addr, uint8_t val) { io_reg = (uint8_t)(addr ^ val); }
void EEPROMClass::update(int addr, uint8_t val)
{
	if (read(addr) != val)
		write(addr, val);
}

SPIClass SPI;
void SPIClass::begin(void) { io_reg = 0; }
void SPIClass::beginTransaction(SPISettings s) { io_reg = s.mode; }
uint8_t SPIClass::transfer(uint8_t b)
{
	io_reg = b;
	return io_reg;
}
void SPIClass::endTransaction(void) { io_reg = 0; }

int main(void)
{
	setup();
	for (;;)
		loop();
}
