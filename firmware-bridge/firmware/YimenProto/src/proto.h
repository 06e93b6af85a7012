/*
 * Yimen firmware-bridge protocol, version 1 — portable C codec and device
 * state machine. No malloc, no stdio; C99. See ../PROTOCOL.md.
 */
#ifndef YIMEN_PROTO_H
#define YIMEN_PROTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" { /* the sketches (.ino) are C++ */
#endif

#define YP_VERSION 1
#define YP_HEADER 7
#define YP_CRC 2
#define YP_MIN_FRAME (YP_HEADER + YP_CRC)
#ifndef YP_MAX_PAYLOAD
#define YP_MAX_PAYLOAD 300 /* announced in HELLO: the host never sends more */
#endif
#define YP_MAX_RAW (YP_MIN_FRAME + YP_MAX_PAYLOAD)
#define YP_MAX_WIRE (YP_MAX_RAW + YP_MAX_RAW / 254 + 2)

#define YP_ADDR_HOST 0x00
#define YP_ADDR_UNPROVISIONED 0xF7
#define YP_ADDR_BROADCAST 0xFF

enum yp_type {
	YP_HELLO = 0x01, YP_HEARTBEAT = 0x02, YP_POLL = 0x03, YP_POLL_ANY = 0x04,
	YP_ACK = 0x05, YP_NAK = 0x06, YP_CHALLENGE = 0x07, YP_AUTH = 0x08,
	YP_KEY = 0x10, YP_RATING = 0x11,
	YP_SIGN_IN = 0x12, YP_SHOW_NUMBER = 0x20, YP_SHOW_TEXT = 0x21,
	YP_SHOW_BITMAP = 0x22, YP_SET_ADDR = 0x30, YP_PAIR = 0x31
};

/* NAK codes */
enum yp_nak {
	YP_NAK_UNSUPPORTED = 1, YP_NAK_BAD_PAYLOAD = 2, YP_NAK_BUSY = 3,
	YP_NAK_REFUSED = 4, YP_NAK_UNPAIRED = 5
};

#define YP_SECRET_LEN 16
#define YP_NONCE_LEN 16
#define YP_MAC_LEN 16
#define YP_HELLO_LEN 18

enum yp_err {
	YP_OK = 0, YP_ERR_SHORT = -1, YP_ERR_CRC = -2, YP_ERR_LENGTH = -3,
	YP_ERR_VERSION = -4, YP_ERR_COBS = -5, YP_ERR_TOO_LARGE = -6
};

typedef struct {
	uint8_t ver, dst, src, seq, type;
	uint16_t len;
	const uint8_t *payload; /* points into the caller's buffer */
	uint16_t crc;           /* set by yp_decode: the frame's CRC field */
} yp_frame;

uint16_t yp_crc16(const uint8_t *data, size_t n);
/* COBS without the delimiter; return output length, or -1 if out is too small / input bad. */
int yp_cobs_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
int yp_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap);
/* Encode f to wire bytes (COBS + trailing 0x00). Returns length or a yp_err. */
int yp_encode(const yp_frame *f, uint8_t *out, size_t cap);
/* Decode wire bytes (trailing 0x00 optional). raw is scratch space of
 * YP_MAX_RAW bytes that f->payload will point into; it may be wire itself
 * (decoding in place). Returns YP_OK or a yp_err. */
int yp_decode(const uint8_t *wire, size_t n, uint8_t *raw, size_t rawcap, yp_frame *f);

/* ---- device side ------------------------------------------------------ */

#define YP_QUEUE 8      /* queued events */
#define YP_EVENT_MAX 40 /* bytes per queued event payload (HELLO 18, SIGN_IN ≤ 40) */

typedef struct {
	uint8_t type, seq, len;
	uint8_t payload[YP_EVENT_MAX];
} yp_event;

typedef struct yp_device yp_device;
/* Called for each new (not a retry) SHOW_* frame addressed to us.
 * Return 0 to ACK, or a NAK code. */
typedef uint8_t (*yp_show_fn)(yp_device *d, const yp_frame *f);
/* Called when the host refused one of our events (type, seq) with a NAK
 * code: a pad shows 请登录 for YP_NAK_REFUSED, 待配对 for YP_NAK_UNPAIRED. */
typedef void (*yp_nak_fn)(yp_device *d, uint8_t type, uint8_t seq, uint8_t code);

struct yp_device {
	uint8_t addr;        /* bus address, YP_ADDR_UNPROVISIONED when new */
	uint8_t hwid[8];
	uint8_t kind, caps, fw[3];
	uint16_t width;
	uint8_t height;
	uint8_t push;        /* 1 on a point-to-point link (USB/WebSocket) */
	uint8_t next_seq;
	/* the last SHOW acted on: a retry has the same seq AND the same CRC */
	uint8_t host_seq_valid, host_seq;
	uint16_t host_crc;
	uint8_t q_head, q_len;
	yp_event q[YP_QUEUE];
	/* pairing secret (Wi-Fi devices; PROTOCOL.md §6) */
	uint8_t has_secret;
	uint8_t secret[YP_SECRET_LEN];
	yp_show_fn on_show;
	yp_nak_fn on_nak;                 /* optional */
	void (*on_addr)(yp_device *d);    /* persist a new address (EEPROM) */
	void (*on_secret)(yp_device *d);  /* persist a new secret (EEPROM/NVS) */
	void *user;
	/* frame reader */
	uint8_t rx[YP_MAX_WIRE];
	uint16_t rx_len;
	uint8_t rx_overflow;
	uint32_t rx_dropped;
};

/* Initialise and queue the HELLO (call again on every new websocket
 * connection; the address and secret are kept). */
void yp_device_init(yp_device *d);
/* Queue an event (YP_KEY, YP_RATING, YP_SIGN_IN); returns 0, or -1 if full. */
int yp_queue(yp_device *d, uint8_t type, const uint8_t *payload, uint8_t len);
int yp_queue_key(yp_device *d, uint8_t code, uint8_t arg, uint8_t flags);
int yp_queue_rating(yp_device *d, uint8_t score, uint8_t reason);
/* Handle one decoded frame. If a reply is due, it is encoded into out and its
 * length returned; 0 means stay silent; negative is a yp_err. */
int yp_handle(yp_device *d, const yp_frame *f, uint8_t *out, size_t cap);
/* Feed received bytes; replies (if any) are written through send. */
void yp_feed(yp_device *d, const uint8_t *p, size_t n,
	     void (*send)(yp_device *d, const uint8_t *b, size_t n));
/* On a push link: the oldest unacknowledged event, encoded for (re)sending;
 * returns length, or 0 if nothing is queued. Resend the same bytes (same seq)
 * until an ACK arrives. */
int yp_pending(yp_device *d, uint8_t *out, size_t cap);
/* The AUTH proof: first 16 bytes of HMAC-SHA256(secret, "YIMEN-AUTH-1" ‖
 * nonce ‖ hello). */
void yp_auth_mac(const uint8_t secret[YP_SECRET_LEN], const uint8_t nonce[YP_NONCE_LEN],
		 const uint8_t *hello, size_t hello_len, uint8_t mac[YP_MAC_LEN]);

#ifdef __cplusplus
}
#endif

#endif
