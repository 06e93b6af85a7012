/* Stand-in for the Arduino EEPROM library (see Arduino.h). */
#ifndef YIMEN_EEPROM_STUB_H
#define YIMEN_EEPROM_STUB_H

#include <stdint.h>

class EEPROMClass {
public:
	uint8_t read(int addr);
	void write(int addr, uint8_t val);
	void update(int addr, uint8_t val);
};
extern EEPROMClass EEPROM;

#endif
