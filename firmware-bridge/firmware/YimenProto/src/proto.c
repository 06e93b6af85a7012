/* Yimen firmware-bridge protocol v1: portable C codec. See proto.h. */
#include "proto.h"

#include <string.h>

#include "hmac_sha256.h"

uint16_t yp_crc16(const uint8_t *data, size_t n)
{
	uint16_t crc = 0xFFFF;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)data[i] << 8;
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}

int yp_cobs_encode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t code_at = 0, o = 1;
	uint8_t code = 1;
	if (cap < 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == 0) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
			if (o > cap)
				return -1;
			continue;
		}
		if (o >= cap)
			return -1;
		out[o++] = in[i];
		if (++code == 0xFF && i + 1 < n) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
			if (o > cap)
				return -1;
		}
	}
	out[code_at] = code;
	return (int)o;
}

int yp_cobs_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	size_t i = 0, o = 0;
	while (i < n) {
		uint8_t code = in[i++];
		if (code == 0 || i + code - 1 > n)
			return -1;
		for (uint8_t k = 1; k < code; k++) {
			if (in[i] == 0 || o >= cap)
				return -1;
			out[o++] = in[i++];
		}
		if (code != 0xFF && i < n) {
			if (o >= cap)
				return -1;
			out[o++] = 0;
		}
	}
	return (int)o;
}

/* yp_encode COBS-encodes header, payload and CRC as they are produced, so
 * that no second copy of the frame is needed (an Uno has 2 KB of RAM). */
int yp_encode(const yp_frame *f, uint8_t *out, size_t cap)
{
	uint8_t head[YP_HEADER], tail[YP_CRC];
	size_t n, i, code_at = 0, o = 1;
	uint8_t code = 1;
	if (f->len > YP_MAX_PAYLOAD)
		return YP_ERR_TOO_LARGE;
	head[0] = f->ver ? f->ver : YP_VERSION;
	head[1] = f->dst;
	head[2] = f->src;
	head[3] = f->seq;
	head[4] = f->type;
	head[5] = (uint8_t)(f->len & 0xFF);
	head[6] = (uint8_t)(f->len >> 8);
	uint16_t crc = yp_crc16(head, YP_HEADER);
	for (i = 0; i < f->len; i++) {
		crc ^= (uint16_t)((uint16_t)f->payload[i] << 8);
		for (uint8_t b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	}
	tail[0] = (uint8_t)(crc >> 8);
	tail[1] = (uint8_t)crc;
	n = YP_HEADER + f->len + YP_CRC;
	if (cap < 2)
		return YP_ERR_TOO_LARGE;
	/* every byte written at o must leave room for the delimiter */
	for (i = 0; i < n; i++) {
		size_t at_tail = (size_t)YP_HEADER + f->len;
		uint8_t c = i < YP_HEADER ? head[i] : i < at_tail ? f->payload[i - YP_HEADER] : tail[i - at_tail];
		if (o + 1 >= cap)
			return YP_ERR_TOO_LARGE;
		if (c == 0) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
			continue;
		}
		out[o++] = c;
		if (++code == 0xFF && i + 1 < n) {
			if (o + 1 >= cap)
				return YP_ERR_TOO_LARGE;
			out[code_at] = code;
			code_at = o++;
			code = 1;
		}
	}
	out[code_at] = code;
	out[o++] = 0; /* delimiter */
	return (int)o;
}

int yp_decode(const uint8_t *wire, size_t n, uint8_t *raw, size_t rawcap, yp_frame *f)
{
	if (n > 0 && wire[n - 1] == 0)
		n--;
	int m = yp_cobs_decode(wire, n, raw, rawcap);
	if (m < 0)
		return YP_ERR_COBS;
	if (m < YP_MIN_FRAME)
		return YP_ERR_SHORT;
	size_t body = (size_t)m - YP_CRC;
	/* (uint16_t)x << 8, never uint8_t << 8: that is int, 16 bits on AVR */
	uint16_t crc = (uint16_t)((uint16_t)raw[body] << 8 | raw[body + 1]);
	if (yp_crc16(raw, body) != crc)
		return YP_ERR_CRC;
	uint16_t len = (uint16_t)(raw[5] | (uint16_t)raw[6] << 8);
	if (len != body - YP_HEADER)
		return YP_ERR_LENGTH;
	if (raw[0] != YP_VERSION)
		return YP_ERR_VERSION;
	f->ver = raw[0];
	f->dst = raw[1];
	f->src = raw[2];
	f->seq = raw[3];
	f->type = raw[4];
	f->len = len;
	f->payload = raw + YP_HEADER;
	f->crc = crc;
	return YP_OK;
}

/* ---- device side ------------------------------------------------------ */

void yp_device_init(yp_device *d)
{
	uint8_t hello[YP_HELLO_LEN];
	d->q_head = d->q_len = 0;
	d->host_seq_valid = 0;
	d->rx_len = 0;
	d->rx_overflow = 0;
	hello[0] = d->kind;
	memcpy(hello + 1, d->hwid, 8);
	memcpy(hello + 9, d->fw, 3);
	hello[12] = d->caps;
	hello[13] = (uint8_t)(d->width & 0xFF);
	hello[14] = (uint8_t)(d->width >> 8);
	hello[15] = d->height;
	hello[16] = (uint8_t)(YP_MAX_PAYLOAD & 0xFF); /* the host respects it */
	hello[17] = (uint8_t)(YP_MAX_PAYLOAD >> 8);
	yp_queue(d, YP_HELLO, hello, sizeof hello);
}

int yp_queue(yp_device *d, uint8_t type, const uint8_t *payload, uint8_t len)
{
	if (d->q_len >= YP_QUEUE || len > YP_EVENT_MAX)
		return -1;
	yp_event *e = &d->q[(d->q_head + d->q_len) % YP_QUEUE];
	e->type = type;
	e->seq = d->next_seq++;
	e->len = len;
	memcpy(e->payload, payload, len);
	d->q_len++;
	return 0;
}

int yp_queue_key(yp_device *d, uint8_t code, uint8_t arg, uint8_t flags)
{
	uint8_t p[3] = {code, arg, flags};
	return yp_queue(d, YP_KEY, p, 3);
}

int yp_queue_rating(yp_device *d, uint8_t score, uint8_t reason)
{
	uint8_t p[2] = {score, reason};
	return yp_queue(d, YP_RATING, p, 2);
}

/* ack_event drops the oldest event if seq is its; nak ≠ 0 reports that the
 * host refused it. */
static void ack_event(yp_device *d, uint8_t seq, uint8_t nak)
{
	if (d->q_len && d->q[d->q_head].seq == seq) {
		if (nak && d->on_nak)
			d->on_nak(d, d->q[d->q_head].type, seq, nak);
		d->q_head = (uint8_t)((d->q_head + 1) % YP_QUEUE);
		d->q_len--;
	}
}

static int reply(yp_device *d, uint8_t type, uint8_t seq, const uint8_t *p, uint16_t len,
		 uint8_t *out, size_t cap)
{
	yp_frame r = {YP_VERSION, YP_ADDR_HOST, d->addr, seq, type, len, p, 0};
	return yp_encode(&r, out, cap);
}

static int send_head(yp_device *d, uint8_t *out, size_t cap)
{
	if (!d->q_len)
		return reply(d, YP_HEARTBEAT, d->next_seq, NULL, 0, out, cap);
	yp_event *e = &d->q[d->q_head];
	return reply(d, e->type, e->seq, e->payload, e->len, out, cap);
}

int yp_handle(yp_device *d, const yp_frame *f, uint8_t *out, size_t cap)
{
	int bcast = f->dst == YP_ADDR_BROADCAST;
	if (f->dst != d->addr && !bcast && !d->push)
		return 0;
	switch (f->type) {
	case YP_POLL:
		if (bcast)
			return 0;
		/* ack_seq, and on a bus the host's verdict on that event */
		if (f->len >= 1)
			ack_event(d, f->payload[0], f->len >= 2 ? f->payload[1] : 0);
		return send_head(d, out, cap);
	case YP_POLL_ANY:
		if (f->len < 2 || !d->q_len || d->addr < f->payload[0] || d->addr > f->payload[1])
			return 0;
		return send_head(d, out, cap);
	case YP_ACK:
		ack_event(d, f->seq, 0);
		return 0;
	case YP_NAK: /* refused: do not retry forever */
		ack_event(d, f->seq, f->len >= 1 && f->payload[0] ? f->payload[0] : YP_NAK_REFUSED);
		return 0;
	case YP_CHALLENGE: {
		/* prove the secret over the HELLO still queued on this connection */
		uint8_t mac[YP_MAC_LEN];
		yp_event *e = &d->q[d->q_head];
		if (bcast || !d->has_secret || f->len < YP_NONCE_LEN || !d->q_len || e->type != YP_HELLO)
			return 0; /* nothing to prove with: the host drops us */
		yp_auth_mac(d->secret, f->payload, e->payload, e->len, mac);
		return reply(d, YP_AUTH, f->seq, mac, YP_MAC_LEN, out, cap);
	}
	case YP_PAIR:
		if (bcast || f->len < 8 + YP_SECRET_LEN || memcmp(f->payload, d->hwid, 8) != 0)
			return 0;
		memcpy(d->secret, f->payload + 8, YP_SECRET_LEN);
		d->has_secret = 1;
		if (d->on_secret)
			d->on_secret(d);
		return reply(d, YP_ACK, f->seq, NULL, 0, out, cap);
	case YP_SET_ADDR:
		if (f->len < 9 || memcmp(f->payload, d->hwid, 8) != 0)
			return 0;
		d->addr = f->payload[8];
		if (d->on_addr)
			d->on_addr(d);
		return reply(d, YP_ACK, f->seq, NULL, 0, out, cap);
	case YP_SHOW_NUMBER:
	case YP_SHOW_TEXT:
	case YP_SHOW_BITMAP: {
		uint8_t nak = 0;
		/* a retry repeats seq and bytes: ACK it without redrawing; a new
		 * SHOW reusing the seq (host restarted) differs in its CRC */
		if (!(d->host_seq_valid && d->host_seq == f->seq && d->host_crc == f->crc)) {
			nak = d->on_show ? d->on_show(d, f) : 0;
			d->host_seq_valid = 1;
			d->host_seq = f->seq;
			d->host_crc = f->crc;
		}
		if (bcast)
			return 0;
		if (nak)
			return reply(d, YP_NAK, f->seq, &nak, 1, out, cap);
		return reply(d, YP_ACK, f->seq, NULL, 0, out, cap);
	}
	default:
		if (bcast)
			return 0;
		{
			uint8_t code = YP_NAK_UNSUPPORTED;
			return reply(d, YP_NAK, f->seq, &code, 1, out, cap);
		}
	}
}

void yp_feed(yp_device *d, const uint8_t *p, size_t n,
	     void (*send)(yp_device *d, const uint8_t *b, size_t n))
{
	/* the longest reply: an event (or AUTH), COBS overhead and delimiter */
	uint8_t out[YP_MIN_FRAME + YP_EVENT_MAX + 4];
	for (size_t i = 0; i < n; i++) {
		if (p[i] != 0) {
			if (d->rx_len < sizeof d->rx)
				d->rx[d->rx_len++] = p[i];
			else
				d->rx_overflow = 1;
			continue;
		}
		if (d->rx_len) {
			yp_frame f;
			/* COBS decodes in place: the output never overtakes the input */
			if (d->rx_overflow || yp_decode(d->rx, d->rx_len, d->rx, sizeof d->rx, &f) != YP_OK) {
				d->rx_dropped++;
			} else {
				int m = yp_handle(d, &f, out, sizeof out);
				if (m > 0 && send)
					send(d, out, (size_t)m);
			}
		}
		d->rx_len = 0;
		d->rx_overflow = 0;
	}
}

int yp_pending(yp_device *d, uint8_t *out, size_t cap)
{
	if (!d->q_len)
		return 0;
	return send_head(d, out, cap);
}

void yp_auth_mac(const uint8_t secret[YP_SECRET_LEN], const uint8_t nonce[YP_NONCE_LEN],
		 const uint8_t *hello, size_t hello_len, uint8_t mac[YP_MAC_LEN])
{
	static const uint8_t label[] = "YIMEN-AUTH-1";
	uint8_t full[YP_SHA256_LEN];
	yp_hmac_sha256(secret, YP_SECRET_LEN, label, sizeof label - 1, nonce, YP_NONCE_LEN,
		       hello, hello_len, full);
	memcpy(mac, full, YP_MAC_LEN);
}
