/* Stand-in for the Arduino SPI library (see Arduino.h). */
#ifndef YIMEN_SPI_STUB_H
#define YIMEN_SPI_STUB_H

#include <stdint.h>

#define MSBFIRST 1
#define SPI_MODE0 0

class SPISettings {
public:
	SPISettings(uint32_t clock, uint8_t order, uint8_t mode) : clock(clock), order(order), mode(mode) {}
	uint32_t clock;
	uint8_t order, mode;
};

class SPIClass {
public:
	void begin(void);
	void beginTransaction(SPISettings s);
	uint8_t transfer(uint8_t b);
	void endTransaction(void);
};
extern SPIClass SPI;

#endif
