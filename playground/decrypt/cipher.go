package decrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"

	"tlsplayground/playground/record"
	"tlsplayground/playground/suites"
)

// opened is one record with its protection removed.
type opened struct {
	plain   []byte // per the analyze.Record contract: TLS 1.3 TLSInnerPlaintext; CBC content+MAC+padding+padding_length (encrypt_then_mac: content+padding+padding_length); AEAD content
	content []byte
	typ     uint8
	seq     uint64
}

// readKey is one direction's key of one epoch, with its own sequence
// number, which moves only when a record opens (RFC 8446, Section 5.3; RFC
// 5246, Section 6.1).
type readKey struct {
	name string // the secret it comes from, as the page names it: "server_handshake_traffic_secret"
	open func(hdr []byte, payload []byte, seq uint64) (opened, error)
	seq  uint64
}

func (k *readKey) try(hdr, payload []byte) (opened, error) {
	o, err := k.open(hdr, payload, k.seq)
	if err != nil {
		return opened{}, err
	}
	o.seq = k.seq
	k.seq++
	return o, nil
}

// key13 opens TLS 1.3 records (RFC 8446, Section 5.2) with a traffic key and IV.
func key13(name, kind string, key, iv []byte) (*readKey, error) {
	p, err := record.New13(kind, key, iv)
	if err != nil {
		return nil, err
	}
	// The Protector counts its own sequence number, moved only by a record
	// that opens, as readKey.seq is.
	return &readKey{name: name, open: func(hdr, payload []byte, _ uint64) (opened, error) {
		content, typ, d, err := p.Open13(record.Record{Type: hdr[0], Version: binary.BigEndian.Uint16(hdr[1:]), Payload: payload})
		if err != nil {
			return opened{}, err
		}
		plain := make([]byte, 0, len(content)+1+d.Padding)
		plain = append(append(plain, content...), typ)
		plain = append(plain, make([]byte, d.Padding)...)
		return opened{plain: plain, content: content, typ: typ}, nil
	}}, nil
}

// key12AEAD opens TLS 1.2 AES-GCM (RFC 5288: 4-byte implicit IV, 8-byte
// explicit nonce in the record) and ChaCha20-Poly1305 (RFC 7905: 12-byte IV
// XOR the sequence number) records.
func key12AEAD(name, kind string, key, iv []byte) (*readKey, error) {
	p, err := record.New12(kind, key, iv)
	if err != nil {
		return nil, err
	}
	return &readKey{name: name, open: func(hdr, payload []byte, _ uint64) (opened, error) {
		plain, _, err := p.Open(record.Record{Type: hdr[0], Version: binary.BigEndian.Uint16(hdr[1:]), Payload: payload})
		if err != nil {
			return opened{}, err
		}
		return opened{plain: plain, content: plain, typ: hdr[0]}, nil
	}}, nil
}

// key12CBC opens TLS 1.2 block-cipher records. MAC-then-encrypt (RFC 5246,
// Section 6.2.3.2): IV || E(content || MAC || padding || padding_length),
// the MAC over seq_num || type || version || length || content. With
// encrypt_then_mac (RFC 7366, Section 3): IV || E(content || padding ||
// padding_length) || MAC, the MAC over seq_num || type || version ||
// length || IV || ciphertext. The MAC is checked in constant time, but
// this reader has no timing to hide: it says which check failed.
func key12CBC(name string, p *suites.Protection, key, macKey []byte, etm bool) (*readKey, error) {
	var block cipher.Block
	var err error
	if p.Cipher == "3DES-EDE-CBC" {
		block, err = des.NewTripleDESCipher(key)
	} else {
		block, err = aes.NewCipher(key)
	}
	if err != nil {
		return nil, err
	}
	bs, macLen := block.BlockSize(), p.MACLen()
	mac := func(seq uint64, hdr []byte, data []byte) []byte {
		m := hmac.New(func() hash.Hash { return p.MAC.New() }, macKey)
		var pre [13]byte
		binary.BigEndian.PutUint64(pre[:], seq)
		copy(pre[8:11], hdr[:3])
		binary.BigEndian.PutUint16(pre[11:], uint16(len(data)))
		m.Write(pre[:])
		m.Write(data)
		return m.Sum(nil)
	}
	return &readKey{name: name, open: func(hdr, payload []byte, seq uint64) (opened, error) {
		ct := payload
		if etm {
			if len(payload) < bs+bs+macLen {
				return opened{}, fmt.Errorf("record of %d bytes is shorter than an IV, one block and the MAC (%d bytes)", len(payload), bs+bs+macLen)
			}
			ct = payload[:len(payload)-macLen]
			if !hmac.Equal(mac(seq, hdr, ct), payload[len(payload)-macLen:]) {
				return opened{}, errors.New("the MAC (encrypt_then_mac, RFC 7366) does not match: wrong MAC key, or the record was changed")
			}
		}
		if len(ct) < 2*bs || len(ct)%bs != 0 {
			return opened{}, fmt.Errorf("CBC record of %d bytes is not an IV and a whole number of %d-byte blocks", len(ct), bs)
		}
		plain := make([]byte, len(ct)-bs)
		cipher.NewCBCDecrypter(block, ct[:bs]).CryptBlocks(plain, ct[bs:])
		padLen := int(plain[len(plain)-1])
		tail := padLen + 1
		if !etm {
			tail += macLen
		}
		if tail > len(plain) {
			return opened{}, fmt.Errorf("padding_length %d is longer than the record: wrong key, or the record was changed", padLen)
		}
		pad := plain[len(plain)-1-padLen : len(plain)-1]
		good := 1
		for _, b := range pad {
			good &= subtle.ConstantTimeByteEq(b, byte(padLen))
		}
		if good != 1 {
			return opened{}, fmt.Errorf("the CBC padding is wrong (RFC 5246, Section 6.2.3.2: each of the %d padding bytes must be %d): wrong key, or the record was changed", padLen, padLen)
		}
		content := plain[:len(plain)-tail]
		if !etm {
			got := plain[len(content) : len(content)+macLen]
			if !hmac.Equal(mac(seq, hdr, content), got) {
				return opened{}, errors.New("the record MAC does not match: wrong MAC key, or the record was changed")
			}
		}
		return opened{plain: plain, content: content, typ: hdr[0]}, nil
	}}, nil
}
