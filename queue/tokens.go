package queue

import "maps"

// A ticket's token is the secret of its status page: newToken makes it
// of 16 random bytes, written as 26 base32 letters. A ticket keeps those
// 16 bytes (Ticket.tok) rather than a string of its own, and the
// committed state indexes them as they are: a busy day holds a hundred
// thousand. A token of any other shape (hand-made logs, tests) is kept as
// it is, in the ticket's rare part and the index's odd map.

// tokenKey decodes a token as newToken makes it, and says whether it was
// one: the 26 letters that encode exactly these bytes.
func tokenKey(token string) (k [16]byte, ok bool) {
	if len(token) != 26 {
		return k, false
	}
	if n, err := tokenEncoding.Decode(k[:], []byte(token)); err != nil || n != len(k) {
		return k, false
	}
	var back [26]byte
	tokenEncoding.Encode(back[:], k[:])
	return k, string(back[:]) == token
}

// setToken gives t its token.
func (t *Ticket) setToken(token string) {
	t.tok, t.hasTok = tokenKey(token)
	if !t.hasTok && (token != "" || t.oddToken() != "") {
		t.change().token = token
	}
}

func (t Ticket) oddToken() string { return t.m().token }

// Token is the secret of the ticket's status page (/t/{token}).
func (t Ticket) Token() string {
	if !t.hasTok {
		return t.oddToken()
	}
	return tokenEncoding.EncodeToString(t.tok[:])
}

// appendToken appends the token's text to b.
func (t Ticket) appendToken(b []byte) []byte {
	if !t.hasTok {
		return append(b, t.oddToken()...)
	}
	return tokenEncoding.AppendEncode(b, t.tok[:])
}

// hasToken says whether token is the ticket's.
func (t Ticket) hasToken(token string) bool {
	if k, ok := tokenKey(token); ok {
		return t.hasTok && t.tok == k
	}
	return !t.hasTok && t.oddToken() == token
}

// tokenIndex finds today's tickets by token.
type tokenIndex struct {
	std map[[16]byte]*Ticket
	odd map[string]*Ticket // nil until a token of another shape comes
}

func newTokenIndex(n int) *tokenIndex {
	return &tokenIndex{std: make(map[[16]byte]*Ticket, n)}
}

func (x *tokenIndex) get(token string) (*Ticket, bool) {
	if k, ok := tokenKey(token); ok {
		t, found := x.std[k]
		return t, found
	}
	t, found := x.odd[token]
	return t, found
}

// of is the ticket indexed under t's token.
func (x *tokenIndex) of(t *Ticket) *Ticket {
	if t.hasTok {
		return x.std[t.tok]
	}
	return x.odd[t.oddToken()]
}

func (x *tokenIndex) put(t *Ticket) {
	if t.hasTok {
		x.std[t.tok] = t
		return
	}
	if x.odd == nil {
		x.odd = map[string]*Ticket{}
	}
	x.odd[t.oddToken()] = t
}

func (x *tokenIndex) clone() *tokenIndex {
	if x == nil {
		return nil
	}
	return &tokenIndex{std: maps.Clone(x.std), odd: maps.Clone(x.odd)}
}

func (x *tokenIndex) clear() {
	if x != nil {
		clear(x.std)
		x.odd = nil
	}
}
