#!/bin/sh
# Compile the protocol code and the three sketches for an ATmega328P
# (avr-gcc + avr-libc) and a Cortex-M0 (arm-none-eabi-gcc + newlib), each
# against the Arduino stand-in in arduino-stub/, with -Wall -Wextra
# -Werror; print flash and RAM use, and fail if the call pad does not fit
# an Uno (32 KB flash less the 0.5 KB bootloader, 2 KB RAM) with room for
# its stack. Usage: firmware-bridge/firmware/build.sh
# Debian packages: gcc-avr binutils-avr avr-libc gcc-arm-none-eabi
# libnewlib-arm-none-eabi (.ci/run installs them).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
lib=$here/YimenProto/src
stub=$here/arduino-stub
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

warn="-Wall -Wextra -Werror"
common="-Os -g0 -ffunction-sections -fdata-sections -I$lib -I$stub"
cflags="-std=gnu99 $warn $common"
cxxflags="-std=gnu++11 -fno-exceptions -fno-rtti -fno-threadsafe-statics $warn $common"

uno_flash=32256 # bytes of flash an Uno leaves to a sketch
uno_ram=2048
stack_room=512  # RAM kept free for the stack and the core's serial buffers

build() { # mcu prefix arch-flags link-flags
	mcu=$1 cc=$2-gcc cxx=$2-g++ size=$2-size arch=$3 ldflags=$4
	for sketch in yimen_pad yimen_board yimen_rating; do
		o=$out/$mcu-$sketch
		mkdir -p "$o"
		for c in "$lib"/*.c; do
			$cc $arch $cflags -c "$c" -o "$o/$(basename "$c").o"
		done
		for c in "$lib"/*.cpp "$stub"/*.cpp; do
			$cxx $arch $cxxflags -c "$c" -o "$o/$(basename "$c").o"
		done
		$cxx $arch $cxxflags -x c++ -include Arduino.h -c "$here/$sketch/$sketch.ino" -o "$o/$sketch.o"
		$cc $arch -Wl,--gc-sections $ldflags -o "$o/$sketch.elf" "$o"/*.o
		# berkeley: text data bss; flash = text + data, RAM = data + bss
		set -- $($size --format=berkeley "$o/$sketch.elf" | tail -1)
		flash=$(($1 + $2)) ram=$(($2 + $3))
		printf '%-4s %-14s flash %6d B   RAM %5d B\n' "$mcu" "$sketch" "$flash" "$ram"
		if [ "$mcu" = avr ] && { [ "$flash" -gt "$uno_flash" ] || [ "$ram" -gt $((uno_ram - stack_room)) ]; }; then
			echo "$sketch does not fit an Uno with $stack_room B left for the stack" >&2
			exit 1
		fi
	done
	if [ "$mcu" = avr ]; then
		avr-size --format=avr --mcu=atmega328p "$out/avr-yimen_pad/yimen_pad.elf" 2>/dev/null | grep -E 'Program|Data' || true
	fi
}

echo "== ATmega328P (Arduino Uno/Nano), avr-gcc $(avr-gcc -dumpversion)"
build avr avr "-mmcu=atmega328p -DF_CPU=16000000UL -DARDUINO_ARCH_AVR" ""
echo "== Cortex-M0 (SAMD21: Arduino Zero/MKR), arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion)"
build m0 arm-none-eabi "-mcpu=cortex-m0 -mthumb -DARDUINO_ARCH_SAMD" "--specs=nano.specs --specs=nosys.specs"
