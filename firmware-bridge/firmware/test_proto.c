/* Host unit test of proto.c against ../proto/testdata/vectors.txt. */
#include "proto.h"
#include "hmac_sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			failures++;                                         \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                       \
			fputc('\n', stderr);                                \
		}                                                           \
	} while (0)

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	for (; s[0] && s[1] && n < cap; s += 2) {
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

static uint8_t big_a[4096], big_b[4096], big_c[4096];

static void vectors(const char *path)
{
	static char line[8192];
	FILE *fp = fopen(path, "r");
	int nframe = 0, nbad = 0, ncrc = 0, ncobs = 0, nhmac = 0, nauth = 0, lineno = 0;
	CHECK(fp != NULL, "open %s", path);
	if (!fp)
		return;
	while (fgets(line, sizeof line, fp)) {
		char *tok[10] = {0};
		int nt = 0;
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		for (char *t = strtok(line, " \n"); t && nt < 10; t = strtok(NULL, " \n"))
			tok[nt++] = t;
		if (nt == 0)
			continue;
		if (strcmp(tok[0], "crc") == 0 && nt == 3) {
			size_t n = unhex(tok[1], big_a, sizeof big_a);
			unsigned want = (unsigned)strtoul(tok[2], NULL, 16);
			CHECK(yp_crc16(big_a, n) == want, "line %d crc %04x", lineno, yp_crc16(big_a, n));
			ncrc++;
		} else if (strcmp(tok[0], "cobs") == 0 && nt == 3) {
			size_t n = unhex(tok[1], big_a, sizeof big_a);
			size_t m = unhex(tok[2], big_b, sizeof big_b);
			int e = yp_cobs_encode(big_a, n, big_c, sizeof big_c);
			CHECK(e == (int)m && memcmp(big_c, big_b, m) == 0, "line %d cobs encode", lineno);
			int d = yp_cobs_decode(big_b, m, big_c, sizeof big_c);
			CHECK(d == (int)n && memcmp(big_c, big_a, n) == 0, "line %d cobs decode", lineno);
			ncobs++;
		} else if (strcmp(tok[0], "frame") == 0 && nt == 8) {
			size_t n = unhex(tok[1], big_a, sizeof big_a);
			uint8_t raw[YP_MAX_RAW];
			yp_frame f;
			int rc = yp_decode(big_a, n, raw, sizeof raw, &f);
			CHECK(rc == YP_OK, "line %d decode rc=%d", lineno, rc);
			if (rc != YP_OK)
				continue;
			unsigned h[5];
			for (int i = 0; i < 5; i++)
				h[i] = (unsigned)strtoul(tok[2 + i], NULL, 16);
			size_t pl = unhex(tok[7], big_b, sizeof big_b);
			CHECK(f.ver == h[0] && f.dst == h[1] && f.src == h[2] && f.seq == h[3] && f.type == h[4],
			      "line %d header", lineno);
			CHECK(f.len == pl && memcmp(f.payload, big_b, pl) == 0, "line %d payload", lineno);
			int m = yp_encode(&f, big_c, sizeof big_c);
			CHECK(m == (int)n && memcmp(big_c, big_a, n) == 0, "line %d re-encode", lineno);
			nframe++;
		} else if (strcmp(tok[0], "bad") == 0 && nt == 3) {
			size_t n = unhex(tok[1], big_a, sizeof big_a);
			uint8_t raw[YP_MAX_RAW];
			yp_frame f;
			CHECK(yp_decode(big_a, n, raw, sizeof raw, &f) != YP_OK, "line %d (%s) accepted", lineno, tok[2]);
			nbad++;
		} else if (strcmp(tok[0], "hmac") == 0 && nt == 4) {
			uint8_t mac[32], want[32];
			size_t kn = unhex(tok[1], big_a, sizeof big_a), dn = unhex(tok[2], big_b, sizeof big_b);
			unhex(tok[3], want, sizeof want);
			yp_hmac_sha256(big_a, kn, big_b, dn, NULL, 0, NULL, 0, mac);
			CHECK(memcmp(mac, want, 32) == 0, "line %d: hmac", lineno);
			nhmac++;
		} else if (strcmp(tok[0], "auth") == 0 && nt == 5) {
			uint8_t secret[16], nonce[16], hello[64], mac[16], want[16];
			unhex(tok[1], secret, 16);
			unhex(tok[2], nonce, 16);
			size_t hn = unhex(tok[3], hello, sizeof hello);
			unhex(tok[4], want, 16);
			yp_auth_mac(secret, nonce, hello, hn, mac);
			CHECK(memcmp(mac, want, 16) == 0, "line %d: auth mac", lineno);
			nauth++;
		} else {
			CHECK(0, "line %d: unknown record %s", lineno, tok[0]);
		}
	}
	fclose(fp);
	CHECK(nframe >= 10 && nbad >= 5 && ncrc >= 1 && ncobs >= 5 && nhmac >= 3 && nauth >= 1, "too few vectors");
	printf("vectors: %d frame, %d bad, %d crc, %d cobs, %d hmac, %d auth\n", nframe, nbad, ncrc, ncobs, nhmac, nauth);
}

/* ---- device state machine ---- */

static uint8_t sent[512];
static size_t sent_len;
static int shows;

static void capture(yp_device *d, const uint8_t *b, size_t n)
{
	(void)d;
	memcpy(sent, b, n);
	sent_len = n;
}

static int naks, nak_type, nak_code, secrets;

static void on_nak(yp_device *d, uint8_t type, uint8_t seq, uint8_t code)
{
	(void)d;
	(void)seq;
	naks++;
	nak_type = type;
	nak_code = code;
}

static void on_secret(yp_device *d)
{
	(void)d;
	secrets++;
}

static uint8_t on_show(yp_device *d, const yp_frame *f)
{
	(void)d;
	(void)f;
	shows++;
	return 0;
}

static yp_frame host(uint8_t dst, uint8_t seq, uint8_t type, const uint8_t *p, uint16_t len)
{
	yp_frame f = {YP_VERSION, dst, YP_ADDR_HOST, seq, type, len, p, 0};
	return f;
}

static void send_to(yp_device *d, yp_frame f)
{
	uint8_t w[512];
	int n = yp_encode(&f, w, sizeof w);
	sent_len = 0;
	yp_feed(d, w, (size_t)n, capture);
}

static int reply_type(yp_frame *out, uint8_t *raw)
{
	if (!sent_len)
		return -1;
	if (yp_decode(sent, sent_len, raw, YP_MAX_RAW, out) != YP_OK)
		return -2;
	return out->type;
}

static void device(void)
{
	static yp_device d;
	uint8_t raw[YP_MAX_RAW];
	yp_frame r;
	memset(&d, 0, sizeof d);
	d.addr = 5;
	d.kind = 1;
	memcpy(d.hwid, "YM\0\1\0\0\0*", 8);
	d.on_show = on_show;
	d.on_nak = on_nak;
	yp_device_init(&d);

	send_to(&d, host(6, 1, YP_POLL, NULL, 0));
	CHECK(sent_len == 0, "answered a poll for another address");

	send_to(&d, host(5, 1, YP_POLL, NULL, 0));
	CHECK(reply_type(&r, raw) == YP_HELLO && r.src == 5, "boot poll gives HELLO");
	CHECK(r.len == YP_HELLO_LEN && (r.payload[16] | r.payload[17] << 8) == YP_MAX_PAYLOAD,
	      "HELLO announces the frame limit");
	uint8_t hello_seq = r.seq;

	yp_queue_key(&d, 0x01, 0, 0);
	send_to(&d, host(5, 2, YP_POLL, NULL, 0)); /* lost ack: HELLO again, same seq */
	CHECK(reply_type(&r, raw) == YP_HELLO && r.seq == hello_seq, "retry keeps seq");

	uint8_t ack = hello_seq;
	send_to(&d, host(5, 3, YP_POLL, &ack, 1));
	CHECK(reply_type(&r, raw) == YP_KEY && r.payload[0] == 0x01, "poll+ack gives KEY");
	uint8_t key_seq = r.seq;

	uint8_t any[2] = {1, 0xF7};
	send_to(&d, host(YP_ADDR_BROADCAST, 4, YP_POLL_ANY, any, 2));
	CHECK(reply_type(&r, raw) == YP_KEY && r.seq == key_seq, "POLL_ANY answered with queued KEY");

	ack = key_seq;
	send_to(&d, host(5, 5, YP_POLL, &ack, 1));
	CHECK(reply_type(&r, raw) == YP_HEARTBEAT, "empty queue gives HEARTBEAT");

	send_to(&d, host(YP_ADDR_BROADCAST, 6, YP_POLL_ANY, any, 2));
	CHECK(sent_len == 0, "POLL_ANY with nothing queued stays silent");

	uint8_t show[] = {0, 3, 0, 4, 'A', '0', '1', '2'};
	send_to(&d, host(5, 7, YP_SHOW_NUMBER, show, sizeof show));
	CHECK(reply_type(&r, raw) == YP_ACK && r.seq == 7 && shows == 1, "SHOW acked");
	send_to(&d, host(5, 7, YP_SHOW_NUMBER, show, sizeof show));
	CHECK(reply_type(&r, raw) == YP_ACK && r.seq == 7 && shows == 1, "duplicate SHOW acked, not redrawn");

	/* a new SHOW that reuses seq 7 (the host restarted) is drawn */
	uint8_t show2[] = {0, 3, 0, 4, 'B', '0', '0', '1'};
	send_to(&d, host(5, 7, YP_SHOW_NUMBER, show2, sizeof show2));
	CHECK(reply_type(&r, raw) == YP_ACK && r.seq == 7 && shows == 2, "new SHOW on the old seq drawn");

	/* on a bus the verdict on an event rides on the acknowledging POLL */
	yp_queue_key(&d, 0x01, 0, 0);
	send_to(&d, host(5, 1, YP_POLL, NULL, 0));
	CHECK(reply_type(&r, raw) == YP_KEY, "key queued");
	uint8_t verdict[2] = {r.seq, YP_NAK_REFUSED};
	send_to(&d, host(5, 2, YP_POLL, verdict, 2));
	CHECK(reply_type(&r, raw) == YP_HEARTBEAT && naks == 1 && nak_type == YP_KEY && nak_code == YP_NAK_REFUSED,
	      "POLL with a NAK code refuses the key (naks %d)", naks);

	send_to(&d, host(5, 8, 0x7E, NULL, 0));
	CHECK(reply_type(&r, raw) == YP_NAK && r.len == 1 && r.payload[0] == 1, "unknown type NAKed");

	uint8_t setaddr[9];
	memcpy(setaddr, d.hwid, 8);
	setaddr[8] = 9;
	send_to(&d, host(5, 9, YP_SET_ADDR, setaddr, 9));
	CHECK(reply_type(&r, raw) == YP_ACK && r.src == 9 && d.addr == 9, "SET_ADDR");

	/* noise and a truncated frame must not cost the next good frame */
	uint8_t w[64];
	yp_frame p = host(9, 10, YP_POLL, NULL, 0);
	int n = yp_encode(&p, w, sizeof w);
	uint8_t noisy[128] = {0x13, 0xFF, 0x42, 0x00};
	memcpy(noisy + 4, w, 4); /* truncated */
	noisy[8] = 0;
	memcpy(noisy + 9, w, (size_t)n);
	sent_len = 0;
	uint32_t before = d.rx_dropped;
	yp_feed(&d, noisy, 9 + (size_t)n, capture);
	CHECK(reply_type(&r, raw) == YP_HEARTBEAT && d.rx_dropped == before + 2, "noise dropped (%u)",
	      (unsigned)(d.rx_dropped - before));
}

/* A Wi-Fi device: PAIR gives it a secret; a CHALLENGE is answered with
 * the proof over its queued HELLO, which the host checks (vectors). */
static void pairing(void)
{
	static yp_device d;
	uint8_t raw[YP_MAX_RAW], mac[YP_MAC_LEN];
	yp_frame r;
	memset(&d, 0, sizeof d);
	d.push = 1;
	d.addr = 1;
	d.kind = 3;
	memcpy(d.hwid, "YM\0\3\0\0\0\x7", 8);
	d.on_secret = on_secret;
	yp_device_init(&d);

	uint8_t nonce[YP_NONCE_LEN];
	for (int i = 0; i < YP_NONCE_LEN; i++)
		nonce[i] = (uint8_t)(0x10 + i);
	send_to(&d, host(1, 1, YP_CHALLENGE, nonce, sizeof nonce));
	CHECK(sent_len == 0, "a device without a secret answers no challenge");

	uint8_t pair[8 + YP_SECRET_LEN];
	memcpy(pair, d.hwid, 8);
	for (int i = 0; i < YP_SECRET_LEN; i++)
		pair[8 + i] = (uint8_t)i;
	pair[0] ^= 1;
	send_to(&d, host(1, 2, YP_PAIR, pair, sizeof pair));
	CHECK(sent_len == 0 && !d.has_secret, "PAIR for another hwid ignored");
	pair[0] ^= 1;
	send_to(&d, host(1, 3, YP_PAIR, pair, sizeof pair));
	CHECK(reply_type(&r, raw) == YP_ACK && r.seq == 3 && d.has_secret && secrets == 1, "PAIR stored and acked");

	send_to(&d, host(1, 4, YP_CHALLENGE, nonce, sizeof nonce));
	CHECK(reply_type(&r, raw) == YP_AUTH && r.seq == 4 && r.len == YP_MAC_LEN, "challenge answered");
	yp_auth_mac(d.secret, nonce, d.q[d.q_head].payload, d.q[d.q_head].len, mac);
	CHECK(memcmp(r.payload, mac, YP_MAC_LEN) == 0, "AUTH carries the proof over the HELLO");
}

int main(int argc, char **argv)
{
	vectors(argc > 1 ? argv[1] : "../proto/testdata/vectors.txt");
	device();
	pairing();
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("proto: ok\n");
	return 0;
}
