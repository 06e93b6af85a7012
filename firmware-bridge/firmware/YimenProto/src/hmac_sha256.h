/*
 * SHA-256 and HMAC-SHA256 for the pairing proof (PROTOCOL.md §6).
 * Portable C99, no malloc; on AVR the round constants live in flash.
 */
#ifndef YIMEN_HMAC_SHA256_H
#define YIMEN_HMAC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define YP_SHA256_LEN 32
#define YP_SHA256_BLOCK 64

typedef struct {
	uint32_t h[8];
	uint8_t buf[YP_SHA256_BLOCK];
	uint32_t len_lo, len_hi; /* message length in bytes */
	uint8_t used;            /* bytes in buf */
} yp_sha256;

void yp_sha256_init(yp_sha256 *s);
void yp_sha256_update(yp_sha256 *s, const uint8_t *p, size_t n);
void yp_sha256_final(yp_sha256 *s, uint8_t out[YP_SHA256_LEN]);

/* HMAC-SHA256 over the concatenation of up to three parts (any may be
 * NULL with length 0): the proof is HMAC(secret, label ‖ nonce ‖ hello). */
void yp_hmac_sha256(const uint8_t *key, size_t keylen,
		    const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
		    const uint8_t *c, size_t cn, uint8_t out[YP_SHA256_LEN]);

#ifdef __cplusplus
}
#endif

#endif
