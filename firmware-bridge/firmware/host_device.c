/*
 * The C firmware's state machine as a host program, for the interop test
 * (firmware_interop_test.go): stdin/stdout are the bus, fd 3 takes
 * commands ("key CODE ARG", "rating SCORE REASON"), stderr gets one line
 * per thing a user would see ("addr A", "show TYPE SEQ PAYLOAD-HEX",
 * "nak TYPE CODE"). Usage: host_device KIND HWID-HEX ADDR-HEX
 */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

static yp_device dev;

static void bus_send(yp_device *d, const uint8_t *b, size_t n)
{
	(void)d;
	while (n) {
		ssize_t w = write(1, b, n);
		if (w <= 0)
			exit(1);
		b += w;
		n -= (size_t)w;
	}
}

static uint8_t on_show(yp_device *d, const yp_frame *f)
{
	(void)d;
	fprintf(stderr, "show %u %u ", f->type, f->seq);
	for (uint16_t i = 0; i < f->len; i++)
		fprintf(stderr, "%02x", f->payload[i]);
	fprintf(stderr, "\n");
	return 0;
}

static void on_nak(yp_device *d, uint8_t type, uint8_t seq, uint8_t code)
{
	(void)d;
	(void)seq;
	fprintf(stderr, "nak %u %u\n", type, code);
}

static void on_addr(yp_device *d) { fprintf(stderr, "addr %u\n", d->addr); }

static void command(char *line)
{
	unsigned a, b;
	if (sscanf(line, "key %u %u", &a, &b) == 2)
		yp_queue_key(&dev, (uint8_t)a, (uint8_t)b, 0);
	else if (sscanf(line, "rating %u %u", &a, &b) == 2)
		yp_queue_rating(&dev, (uint8_t)a, (uint8_t)b);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	setvbuf(stderr, NULL, _IOLBF, 0);
	dev.kind = (uint8_t)strtoul(argv[1], NULL, 10);
	for (int i = 0; i < 8; i++) {
		unsigned v;
		sscanf(argv[2] + 2 * i, "%2x", &v);
		dev.hwid[i] = (uint8_t)v;
	}
	dev.addr = (uint8_t)strtoul(argv[3], NULL, 16);
	dev.caps = 0x04;
	dev.fw[0] = 1;
	dev.on_show = on_show;
	dev.on_nak = on_nak;
	dev.on_addr = on_addr;
	yp_device_init(&dev);
	char cmd[128];
	size_t ncmd = 0;
	for (;;) {
		struct pollfd p[2] = {{0, POLLIN, 0}, {3, POLLIN, 0}};
		if (poll(p, 2, -1) < 0)
			return 1;
		if (p[0].revents) {
			uint8_t buf[256];
			ssize_t n = read(0, buf, sizeof buf);
			if (n <= 0)
				return 0;
			yp_feed(&dev, buf, (size_t)n, bus_send);
		}
		if (p[1].revents) {
			char c;
			if (read(3, &c, 1) <= 0)
				return 0;
			if (c == '\n' || ncmd == sizeof cmd - 1) {
				cmd[ncmd] = 0;
				command(cmd);
				ncmd = 0;
			} else {
				cmd[ncmd++] = c;
			}
		}
	}
}
