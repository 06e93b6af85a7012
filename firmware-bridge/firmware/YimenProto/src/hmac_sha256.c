/* SHA-256 (FIPS 180-4) and HMAC (RFC 2104) for the pairing proof. */
#include "hmac_sha256.h"

#include <string.h>

#ifdef __AVR__
#include <avr/pgmspace.h>
#define K_ROM PROGMEM
#define k_at(i) pgm_read_dword(&K[i])
#else
#define K_ROM
#define k_at(i) K[i]
#endif

static const uint32_t K[64] K_ROM = {
	0x428a2f98UL, 0x71374491UL, 0xb5c0fbcfUL, 0xe9b5dba5UL, 0x3956c25bUL, 0x59f111f1UL, 0x923f82a4UL, 0xab1c5ed5UL,
	0xd807aa98UL, 0x12835b01UL, 0x243185beUL, 0x550c7dc3UL, 0x72be5d74UL, 0x80deb1feUL, 0x9bdc06a7UL, 0xc19bf174UL,
	0xe49b69c1UL, 0xefbe4786UL, 0x0fc19dc6UL, 0x240ca1ccUL, 0x2de92c6fUL, 0x4a7484aaUL, 0x5cb0a9dcUL, 0x76f988daUL,
	0x983e5152UL, 0xa831c66dUL, 0xb00327c8UL, 0xbf597fc7UL, 0xc6e00bf3UL, 0xd5a79147UL, 0x06ca6351UL, 0x14292967UL,
	0x27b70a85UL, 0x2e1b2138UL, 0x4d2c6dfcUL, 0x53380d13UL, 0x650a7354UL, 0x766a0abbUL, 0x81c2c92eUL, 0x92722c85UL,
	0xa2bfe8a1UL, 0xa81a664bUL, 0xc24b8b70UL, 0xc76c51a3UL, 0xd192e819UL, 0xd6990624UL, 0xf40e3585UL, 0x106aa070UL,
	0x19a4c116UL, 0x1e376c08UL, 0x2748774cUL, 0x34b0bcb5UL, 0x391c0cb3UL, 0x4ed8aa4aUL, 0x5b9cca4fUL, 0x682e6ff3UL,
	0x748f82eeUL, 0x78a5636fUL, 0x84c87814UL, 0x8cc70208UL, 0x90befffaUL, 0xa4506cebUL, 0xbef9a3f7UL, 0xc67178f2UL,
};

static uint32_t ror(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

/* w is a 16-word ring: the message schedule computed on the fly, so the
 * stack holds 64 bytes of it instead of 256 (an Uno has 2 KB of RAM). */
static void block(yp_sha256 *s, const uint8_t *p)
{
	uint32_t w[16], v[8];
	uint8_t i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	memcpy(v, s->h, sizeof v);
	for (i = 0; i < 64; i++) {
		uint32_t wi;
		if (i < 16) {
			wi = w[i];
		} else {
			uint32_t w15 = w[(i + 1) & 15], w2 = w[(i + 14) & 15];
			uint32_t s0 = ror(w15, 7) ^ ror(w15, 18) ^ (w15 >> 3);
			uint32_t s1 = ror(w2, 17) ^ ror(w2, 19) ^ (w2 >> 10);
			wi = w[i & 15] = w[i & 15] + s0 + w[(i + 9) & 15] + s1;
		}
		uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) + ((v[4] & v[5]) ^ (~v[4] & v[6])) + k_at(i) + wi;
		uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) + ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof v[0]);
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

void yp_sha256_init(yp_sha256 *s)
{
	static const uint32_t h0[8] = {0x6a09e667UL, 0xbb67ae85UL, 0x3c6ef372UL, 0xa54ff53aUL,
				       0x510e527fUL, 0x9b05688cUL, 0x1f83d9abUL, 0x5be0cd19UL};
	memcpy(s->h, h0, sizeof h0);
	s->len_lo = s->len_hi = 0;
	s->used = 0;
}

void yp_sha256_update(yp_sha256 *s, const uint8_t *p, size_t n)
{
	while (n--) {
		s->buf[s->used++] = *p++;
		if (++s->len_lo == 0)
			s->len_hi++;
		if (s->used == YP_SHA256_BLOCK) {
			block(s, s->buf);
			s->used = 0;
		}
	}
}

void yp_sha256_final(yp_sha256 *s, uint8_t out[YP_SHA256_LEN])
{
	uint32_t bits_hi = s->len_hi << 3 | s->len_lo >> 29, bits_lo = s->len_lo << 3;
	uint8_t pad = 0x80, i;
	yp_sha256_update(s, &pad, 1);
	pad = 0;
	while (s->used != 56)
		yp_sha256_update(s, &pad, 1);
	for (i = 0; i < 4; i++)
		s->buf[56 + i] = (uint8_t)(bits_hi >> (24 - 8 * i));
	for (i = 0; i < 4; i++)
		s->buf[60 + i] = (uint8_t)(bits_lo >> (24 - 8 * i));
	block(s, s->buf);
	for (i = 0; i < 32; i++)
		out[i] = (uint8_t)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void yp_hmac_sha256(const uint8_t *key, size_t keylen,
		    const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
		    const uint8_t *c, size_t cn, uint8_t out[YP_SHA256_LEN])
{
	uint8_t k[YP_SHA256_BLOCK], i;
	yp_sha256 s;
	memset(k, 0, sizeof k);
	if (keylen > YP_SHA256_BLOCK) {
		yp_sha256_init(&s);
		yp_sha256_update(&s, key, keylen);
		yp_sha256_final(&s, k);
	} else if (keylen) {
		memcpy(k, key, keylen);
	}
	for (i = 0; i < YP_SHA256_BLOCK; i++)
		k[i] ^= 0x36;
	yp_sha256_init(&s);
	yp_sha256_update(&s, k, sizeof k);
	if (an)
		yp_sha256_update(&s, a, an);
	if (bn)
		yp_sha256_update(&s, b, bn);
	if (cn)
		yp_sha256_update(&s, c, cn);
	yp_sha256_final(&s, out);
	for (i = 0; i < YP_SHA256_BLOCK; i++)
		k[i] ^= 0x36 ^ 0x5c;
	yp_sha256_init(&s);
	yp_sha256_update(&s, k, sizeof k);
	yp_sha256_update(&s, out, YP_SHA256_LEN);
	yp_sha256_final(&s, out);
}
