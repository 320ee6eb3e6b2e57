package session

// StepText is what the page says about one of the seven steps: the sentence
// the "how SSL/TLS works" articles give, what the engine really does, and
// the RFC sections that says so ("RFC 8446 §4.1.2", checked by a test).
// Really may hold several paragraphs, separated by a blank line.
type StepText struct {
	N       int      `json:"n"`
	Title   string   `json:"title"`
	Article string   `json:"article"`
	Really  string   `json:"really"`
	RFC     []string `json:"rfc"`
}

// The articles' seven sentences, the same in every mode.
const (
	article1 = "The client contacts the server using a secure (https) URL."
	article2 = "The server sends its certificate and public key to the client."
	article3 = "The client verifies the certificate with a trusted root certification authority."
	article4 = "The client and the server negotiate the strongest type of encryption both support."
	article5 = "The client encrypts a session (secret) key with the server's public key and sends it."
	article6 = "The server decrypts the session key with its private key, and the secure session is established."
	article7 = "Client and server exchange data under symmetric encryption with the session key; at the end the keys are discarded."
)

// Paragraphs shared by several modes.
const (
	// sslHistory answers the articles' "SSL" (RFC 6176, RFC 7568, RFC 8996).
	sslHistory = "A word on the name the articles use. SSL was Netscape's protocol of the 1990s; the IETF renamed it TLS in 1999. " +
		"SSL 2.0 is prohibited (RFC 6176) and SSL 3.0 deprecated (RFC 7568), and TLS 1.0 and 1.1 have been deprecated since 2021 (RFC 8996). " +
		"Whatever a page or a product calls \"SSL\" today is TLS 1.2 or TLS 1.3, the two versions this playground speaks."

	// selects corrects the articles' "the strongest" (RFC 5246 §7.4.1.3,
	// RFC 8446 §4.1.1).
	selects = "Nothing in the RFCs says \"the strongest\": they say only that the server selects from what the client offers. " +
		"Real servers follow either their own order of preference or the client's; the switch \"The server picks the cipher suite by\" chooses which for this page, and the server's event below names the rule it used. " +
		"(AES-256-GCM and ChaCha20-Poly1305, for one, both use 256-bit keys: \"stronger\" is not a question the protocol asks.)"

	// webPKI is what a browser adds to the local chain check (RFC 5280 §5,
	// §4.2.2.1; RFC 6960; RFC 6066 §8; RFC 6962).
	webPKI = "The CA still plays a part, outside this check. A browser also asks whether the certificate was revoked: through CRLs the CA publishes, OCSP, " +
		"a stapled OCSP response the server itself sends in the handshake (requested with the status_request extension), or lists its vendor pushes (Chrome's CRLSets, Firefox's CRLite). " +
		"When the server forgets an intermediate, some browsers fetch it from the address in the certificate's Authority Information Access extension. " +
		"And for a public certificate, browsers require Certificate Transparency SCTs, proof that the certificate was logged in public. " +
		"This page's CA embeds two SCTs in the server's certificate and signs an OCSP response for it; in the handshakes this page runs in one engine, the client asks for that response with status_request (over HTTP it does not ask yet), the server staples it (TLS 1.2: a CertificateStatus message after Certificate; TLS 1.3: in the leaf's CertificateEntry), and right after path validation the client checks it (the issuer's signature, that it is about this certificate, that it is current, that it says good) and the two SCTs, refusing a revoked certificate with certificate_revoked and an unsatisfactory response with bad_certificate_status_response; without a staple it goes on (soft-fail), as browsers do, and nothing is fetched. " +
		"The attack lab's revoked, ocsp-expired and no-sct cases show each refusal."

	// chainShape is what the Certificate message holds (RFC 5246 §7.4.2,
	// RFC 8446 §4.4.2).
	chainShape = "The root may be left out of the chain, and usually is: the client must already have it to trust it. " +
		"Public CAs issue site certificates from intermediates, so a real server sends its certificate and one or two intermediates; " +
		"this page's own CA does the same: its root signs an intermediate, which signs the server's certificate, so the chain is the leaf and the intermediate."

	// overHTTP is the forward secrecy caveat of a server behind HTTP.
	overHTTP = "One exception on this page: when the server runs \"in this page, over HTTP\" or \"at a URL\", it keeps its state between requests in a token sealed under a long-lived token key, " +
		"and whoever later obtains that key can rebuild this session's secrets from a recording, exactly as with a leaked TLS 1.2 session-ticket key."
)

// classicSteps maps the seven steps of the articles onto TLS 1.2 with RSA key
// transport (RFC 5246).
var classicSteps = []StepText{
	{1, "The client says hello", article1,
		"After the TCP connection, the client sends a ClientHello: the highest TLS version it speaks, 32 fresh random bytes (the client random), the cipher suites it supports in its order of preference, and extensions such as the server name (SNI). " +
			"All of it travels in the clear, the name of the site included.\n\n" + sslHistory,
		[]string{"RFC 5246 §7.4.1.2", "RFC 6066 §3", "RFC 6176 §3", "RFC 7568 §3", "RFC 8996 §5"}},
	{2, "The server sends its certificate", article2,
		"The server answers with three messages in one flight: ServerHello (its own 32 random bytes and the suite it chose), Certificate (the chain, leaf first; the public key is inside the leaf) and ServerHelloDone. " +
			"In TLS 1.2 all of it is in the clear: an eavesdropper sees the certificate too.\n\n" + chainShape,
		[]string{"RFC 5246 §7.4.1.3", "RFC 5246 §7.4.2", "RFC 5246 §7.4.5"}},
	{3, "The client checks the certificate", article3,
		"The signature check happens locally, on the client, against a trust store that shipped with the browser or the operating system: no CA is asked whether the signatures are good. " +
			"The client checks each signature up the chain to a root it trusts, that every issuer is a CA (basicConstraints CA:TRUE) allowed to sign certificates, the validity dates, that the name it wanted is in the leaf's Subject Alternative Name, and that the certificate may be used for a TLS server. Here crypto/x509 does the check.\n\n" + webPKI,
		[]string{"RFC 5280 §6.1", "RFC 5280 §4.2.1.9", "RFC 6125 §6", "RFC 6066 §8", "RFC 6960 §2"}},
	{4, "Both agree on a cipher", article4,
		"The server decides, from the list the client sent, and announces its choice in ServerHello, so in the real protocol this happened before step 2. " + selects + " " +
			"A cipher suite fixes everything at once: the key exchange (here RSA key transport), the record cipher (AES-GCM) and the hash for the key derivation (SHA-256 or SHA-384).",
		[]string{"RFC 5246 §7.4.1.3", "RFC 5246 §7.4.1.2", "RFC 5246 §A.5"}},
	{5, "The client sends the session key, encrypted", article5,
		"The \"session key\" is the pre-master secret: 48 bytes, the client's version then 46 random bytes. The client pads it (PKCS#1 v1.5) into a block EM as long as the modulus and encrypts it with the server's RSA public key from the certificate, EM^e mod n, in a ClientKeyExchange message. " +
			"It is not used as a key itself: both sides derive the real keys from it.\n\n" +
			"The server must not let anyone tell whether the padding it finds after decrypting was well formed: a server that does is an oracle for Bleichenbacher's attack (the attack lab shows it).",
		[]string{"RFC 5246 §7.4.7.1", "RFC 8017 §7.2.1"}},
	{6, "The server decrypts it: the session is established", article6,
		"Only the private key can undo the encryption. Both sides then run the TLS 1.2 PRF. This session negotiated the extended master secret, so the 48-byte master secret is PRF(pre-master secret, \"extended master secret\", session hash), " +
			"where the session hash covers every handshake message from ClientHello up to and including ClientKeyExchange: a man in the middle cannot give two connections the same master secret. " +
			"The master secret expands into a write key and an IV for each direction, and the pre-master secret is erased.\n\n" + finishedTLS12,
		[]string{"RFC 5246 §8.1", "RFC 7627 §4", "RFC 5246 §6.3", "RFC 5246 §7.4.9"}},
	{7, "Encrypted data flows; the keys are discarded", article7,
		recordsGCM + " At the end each side sends close_notify and overwrites its keys with zeros. A new session gets new randoms, a new pre-master secret and new keys, so the same message encrypts differently.\n\n" +
			"Two things the articles leave out. The server's certificate key can decrypt the pre-master secret of every recorded session like this one: there is no forward secrecy in the classic handshake. " +
			"And real servers do not forget a session at the end: they keep it in a session cache or hand the client a session ticket, encrypted under a ticket key, so that the next connection can skip the RSA step — and whoever steals that ticket key decrypts those sessions too. " +
			"The handshake above keeps no cache and issues no ticket; the resumption lab (#attack=resumption) runs one that does: its server names the session with a session ID, caches it, and sends a ticket sealed under its ticket key in the clear before its ChangeCipherSpec, and the second connection is an abbreviated handshake — no certificate, no ClientKeyExchange, the server's Finished first — whose keys come from the same master secret and two new randoms. That connection is exactly as secret as the first: whoever reads the cache, or opens a recorded ticket with a leaked ticket key, decrypts both.",
		[]string{"RFC 5246 §6.2.3.3", "RFC 5288 §3", "RFC 5246 §7.2.1", "RFC 5077 §3.1", "RFC 5246 §7.3", "RFC 5077 §5.5"}},
}

// The TLS 1.2 texts shared by the classic and ECDHE modes.
const (
	finishedTLS12 = "Each side sends ChangeCipherSpec and an encrypted Finished message. Its verify_data is not a hash anyone could compute: it is 12 bytes of the PRF keyed by the master secret over a hash of every handshake message so far, a MAC only a holder of the keys can produce. " +
		"Checking the peer's Finished proves that both hold the same keys and saw the same handshake, untouched."

	recordsGCM = "Every record is encrypted and authenticated with AES-GCM under the sender's write key. The nonce is the 4-byte implicit IV from the key block followed by an 8-byte explicit nonce that travels in front of each record: " +
		"this engine, like most implementations, puts the record's sequence number there, so the counter is visible on the wire. " +
		"The additional data binds the sequence number, the record's type and version and the plaintext's length, and the 16-byte tag makes any change detectable."
)

// noEMS replaces the texts that assume the extended master secret
// (RFC 7627) for a session that did not negotiate it.
var noEMS = map[string]map[int]StepText{
	ModeClassic: {6: {6, "The server decrypts it: the session is established", article6,
		"Only the private key can undo the encryption. Both sides then run the TLS 1.2 PRF. This session did not negotiate the extended master secret, so the 48-byte master secret is PRF(pre-master secret, \"master secret\", client random + server random): " +
			"nothing ties it to the rest of the handshake, the weakness RFC 7627 fixes by using the session hash instead. " +
			"The master secret expands into a write key and an IV for each direction, and the pre-master secret is erased.\n\n" + finishedTLS12,
		[]string{"RFC 5246 §8.1", "RFC 7627 §4", "RFC 5246 §6.3", "RFC 5246 §7.4.9"}}},
	ModeECDHE: {6: {6, "Keys derived, Finished both ways", article6,
		"The server's private key only signed; it decrypts nothing. From the pre-master secret both sides run the same TLS 1.2 PRF as in the classic handshake. " +
			"This session did not negotiate the extended master secret, so the master secret is PRF(pre-master secret, \"master secret\", client random + server random), the form RFC 7627 replaces with the session hash; then the key block, the write keys and IVs. " +
			"Right after the master secret exists, each side overwrites its ephemeral private key and the shared secret with zeros and drops the key object (the \"Erases\" event); Go cannot zero the copy crypto/ecdh keeps inside it, which waits for the garbage collector.\n\n" + finishedTLS12,
		[]string{"RFC 5246 §8.1", "RFC 7627 §4", "RFC 5246 §7.4.9", "RFC 8422 §5.10"}}},
}

// stepTexts holds the seven steps' texts for each mode, as they read for a
// session that negotiated the extended master secret (the default).
var stepTexts = map[string][]StepText{
	ModeClassic: classicSteps,
}

// tls13Steps maps the seven steps onto TLS 1.3 (RFC 8446).
var tls13Steps = []StepText{
	{1, "The client says hello, and already sends a key share", article1,
		"The ClientHello says TLS 1.3 in supported_versions (its old version field still says TLS 1.2) and lists the suites, the groups and the signature schemes it accepts. " +
			"Unlike TLS 1.2 it already carries a key share: a fresh ephemeral public key for the group the client guesses the server will take, here by default the post-quantum hybrid X25519MLKEM768. " +
			"A browser sends two shares, the hybrid and a plain X25519 one, so that a server without ML-KEM can answer at once; this engine's client sends one. The private halves never leave the client.\n\n" +
			"Everything in it travels in the clear, including the server name (SNI): even with TLS 1.3, an eavesdropper learns which site is being visited (Encrypted Client Hello, ECH, hides it; the engine does not do ECH). " +
			"It also carries a random 32-byte legacy session ID, only so that old middleboxes see a familiar TLS 1.2 shape.",
		[]string{"RFC 8446 §4.1.2", "RFC 8446 §4.2.1", "RFC 8446 §4.2.8", "RFC 6066 §3", "RFC 8446 §D.4"}},
	{2, "The server answers, and from then on everything is encrypted", article2,
		"ServerHello carries the server's random, the chosen suite and the server's own key share: the last message in the clear. Both sides can now compute the shared secret, so EncryptedExtensions, Certificate, CertificateVerify and Finished all travel encrypted under the handshake keys. " +
			"A passive eavesdropper does not see which certificate was sent — though the SNI already named the site, and anyone can connect to the server with the same name and be sent the same certificate.\n\n" + chainShape + "\n\n" +
			"A capture of a real browser shows two more records: a one-byte ChangeCipherSpec from the server right after ServerHello and one from the client before its Finished. " +
			"TLS 1.3 has no use for them; they are its middlebox compatibility mode, which makes the handshake look like a resumed TLS 1.2 session to old network boxes, and the receiver ignores them. This engine does not send them (and ignores one it receives).",
		[]string{"RFC 8446 §4.1.3", "RFC 8446 §4.3.1", "RFC 8446 §4.4.2", "RFC 8446 §D.4"}},
	{3, "The client checks the certificate", article3,
		"As in TLS 1.2, the signature check is local: crypto/x509 follows the chain to a root in the client's own trust store, checks each signature, that every issuer is a CA (basicConstraints), the dates, the host name in the Subject Alternative Name and the serverAuth usage.\n\n" +
			webPKI + " In TLS 1.3 the stapled OCSP response travels inside the Certificate message, as the status_request extension of the leaf's entry (SCTs may travel there too, in signed_certificate_timestamp; this page's are embedded in the certificate itself).",
		[]string{"RFC 8446 §4.4.2", "RFC 5280 §6.1", "RFC 5280 §4.2.1.9", "RFC 8446 §4.4.2.1", "RFC 6066 §8"}},
	{4, "Both agree on cipher, group and signature", article4,
		"The server picks the AEAD and hash (the cipher suite), the key exchange group and the signature scheme separately, from the client's lists. " + selects + " " +
			"If the client sent no key share the server accepts, the server answers with a HelloRetryRequest naming a group, and the client sends a second ClientHello: one extra round trip.",
		[]string{"RFC 8446 §4.1.1", "RFC 8446 §4.1.4", "RFC 8446 §4.2.3", "RFC 8446 §4.2.7"}},
	{5, "No secret is encrypted with the server's key: both compute it", article5,
		"This is the step TLS 1.3 changed. Nothing is encrypted with the server's certificate key. Each side combines its own ephemeral private key with the other's public key share (Diffie-Hellman; with ML-KEM, the server encapsulates a secret to the client's key and the client decapsulates it) and gets the same shared secret, which never travels.\n\n" +
			"As soon as the handshake and master secrets are derived from it, each side overwrites its ephemeral private key and the shared secret with zeros and drops the key objects (the \"Erases\" event): a later theft of the server's certificate key finds nothing that turns the recorded key shares into the secret, and neither does a dump of the engine's working memory, though this page keeps teaching copies of every value to show them, which a real implementation would not. That is forward secrecy (except over HTTP, where the server's token key can rebuild it: see the token-key note). " +
			"Go cannot zero the copies crypto/ecdh and crypto/mlkem keep inside the key objects; they wait for the garbage collector.\n\n" +
			"With X25519MLKEM768 the key exchange resists a future quantum computer, so a recording made today stays secret; the authentication does not change: the certificate and CertificateVerify are still classical RSA or ECDSA.",
		[]string{"RFC 8446 §4.2.8", "RFC 8446 §7.4", "RFC 8446 §E.1", "RFC 7748 §6.1"}},
	{6, "The server proves its identity; Finished both ways", article6,
		"The server's private key is used to sign, not to decrypt: CertificateVerify is a signature over the transcript hash, the hash of the whole handshake so far, checked with the certificate's public key. " +
			"HKDF turns the shared secret into the handshake secret, then the master secret, and from each a traffic secret per direction. " +
			"Each side's Finished is an HMAC over the transcript hash, keyed by a finished_key derived from its handshake traffic secret: not a bare hash, which anyone could compute, but a MAC only a holder of the keys can produce. " +
			"Checking the peer's proves both hold the same keys and saw the same handshake.",
		[]string{"RFC 8446 §4.4.3", "RFC 8446 §4.4.4", "RFC 8446 §7.1"}},
	{7, "Encrypted data flows; the keys are discarded", article7,
		"Records are protected with the suite's AEAD under the application traffic keys. The nonce is the traffic IV XOR the record counter, so nothing of it is sent; the additional data is the record header; and the real content type travels encrypted inside, so every record looks like application data. " +
			"KeyUpdate moves a direction to fresh keys without a new handshake. At the end each side sends close_notify and overwrites its traffic keys and secrets with zeros; the ephemeral private keys were already erased in step 5, so even the server's certificate key cannot decrypt this session later.\n\n" +
			"After the handshake a real server also sends a NewSessionTicket: the session's resumption PSK, sealed under the server's ticket key, so that the browser can come back with that pre-shared key (PSK), skip the certificate, and even send 0-RTT early data in its very first flight. " +
			"Those are weaker than this connection: a PSK-only resumption (psk_ke) and 0-RTT data are not forward secret — whoever obtains the PSK, or the server's ticket key and a recording of the ticket, decrypts them — and 0-RTT data can be replayed unless the server remembers every ClientHello it took early data from. " +
			"The handshake above is a full one and its client asks for no ticket; the resumption lab (#attack=resumption) has this engine send one, resume with psk_dhe_ke or psk_ke, send a 0-RTT request and replay it, and lets the ticket key leak to Eve.\n\n" + overHTTP,
		[]string{"RFC 8446 §5.2", "RFC 8446 §5.3", "RFC 8446 §4.6.3", "RFC 8446 §4.6.1", "RFC 8446 §2.2", "RFC 8446 §2.3", "RFC 8446 §E.5", "RFC 8446 §8"}},
}

func init() {
	stepTexts[ModeTLS13] = tls13Steps
	stepTexts[ModeECDHE] = ecdheSteps
}

// ecdheSteps maps the seven steps onto TLS 1.2 with ephemeral ECDH
// (RFC 8422): the common TLS 1.2 deployment.
var ecdheSteps = []StepText{
	{1, "The client says hello", article1,
		"The ClientHello is the one of the classic handshake, plus the groups the client can do Diffie-Hellman with (supported_groups) and the point formats. It offers ECDHE suites: the key exchange will be ephemeral. " +
			"Like the rest of a TLS 1.2 handshake, it travels in the clear, the server name (SNI) included.",
		[]string{"RFC 5246 §7.4.1.2", "RFC 8422 §5.1", "RFC 6066 §3"}},
	{2, "The server sends its certificate, and a fresh public key", article2,
		"ServerHello, Certificate and ServerHelloDone as before, with one more message between them: ServerKeyExchange. It carries an ephemeral ECDH public key made for this connection only, signed with the certificate's private key; the signature covers both randoms too. " +
			"So the server sends two public keys: the long-term one in the certificate, and the throwaway one for the key exchange.\n\n" + chainShape,
		[]string{"RFC 8422 §5.4", "RFC 5246 §7.4.2", "RFC 5246 §7.4.3"}},
	{3, "The client checks the certificate", article3,
		"Locally, against the client's own trust store, as in every mode: each signature up the chain, every issuer a CA (basicConstraints), the dates, the name and the serverAuth usage. It matters even more here: the certificate's key is what vouches for the ephemeral key in ServerKeyExchange.\n\n" + webPKI,
		[]string{"RFC 5280 §6.1", "RFC 5280 §4.2.1.9", "RFC 8422 §5.4", "RFC 6066 §8"}},
	{4, "Both agree on a cipher", article4,
		"The server picks an ECDHE suite that fits its key (ECDHE_RSA for an RSA certificate, ECDHE_ECDSA for an ECDSA one), a group both support, and a signature scheme the client accepts. All of it is announced in the clear. " + selects,
		[]string{"RFC 5246 §7.4.1.3", "RFC 8422 §5.1", "RFC 8446 §4.2.3"}},
	{5, "No secret is encrypted with the server's key: both compute it", article5,
		"The client checks the ServerKeyExchange signature with the certificate's public key, makes its own ephemeral key pair and sends the public half in ClientKeyExchange. Each side combines its private key with the other's public key and gets the same shared secret: that is the pre-master secret. " +
			"It never travels, and nothing is encrypted with the certificate's key.",
		[]string{"RFC 8422 §5.7", "RFC 8422 §5.10", "RFC 7748 §6.1"}},
	{6, "Keys derived, Finished both ways", article6,
		"The server's private key only signed; it decrypts nothing. From the pre-master secret both sides run the same TLS 1.2 PRF as in the classic handshake. " +
			"This session negotiated the extended master secret, so the master secret is PRF(pre-master secret, \"extended master secret\", session hash), where the session hash covers every handshake message from ClientHello up to and including ClientKeyExchange; then the key block, the write keys and IVs. " +
			"Right after the master secret exists, each side overwrites its ephemeral private key and the shared secret with zeros and drops the key object (the \"Erases\" event); Go cannot zero the copy crypto/ecdh keeps inside it, which waits for the garbage collector.\n\n" + finishedTLS12,
		[]string{"RFC 5246 §8.1", "RFC 7627 §4", "RFC 5246 §7.4.9", "RFC 8422 §5.10"}},
	{7, "Encrypted data flows; the keys are discarded", article7,
		"Records are protected as in the classic handshake: AES-GCM with the sequence number as its 8-byte explicit nonce, or ChaCha20-Poly1305, whose nonce is the IV XOR the sequence number and is not sent. " +
			"The ephemeral private keys were erased in step 6, so a server key stolen later cannot recompute this session's secret: forward secrecy, already in TLS 1.2.\n\n" +
			"It lasts only while nothing else can rebuild the keys. Real servers hand out session tickets encrypted under a ticket key they keep for hours or days, and whoever steals that key decrypts every session that received a ticket; the handshake above issues none, but the resumption lab (#attack=resumption) does, and its resumed connection makes no new key exchange: its keys come from the first connection's master secret and two new randoms, so it is exactly as secret as the first, and a leaked ticket key decrypts both. " + overHTTP,
		[]string{"RFC 5288 §3", "RFC 7905 §2", "RFC 5246 §7.2.1", "RFC 5077 §3.1", "RFC 5077 §4", "RFC 5246 §7.3", "RFC 5077 §5.5"}},
}

// StepTexts returns the seven steps' texts for a mode (nil for an unknown
// mode), as they read for a session with the extended master secret.
func StepTexts(mode string) []StepText { return stepTexts[mode] }

// StepTextsFor returns the seven steps' texts for one session of a mode:
// ems says whether its TLS 1.2 handshake negotiated the extended master
// secret (RFC 7627), which changes how step 6 derives the master secret.
// TLS 1.3 ignores ems.
func StepTextsFor(mode string, ems bool) []StepText {
	texts := stepTexts[mode]
	if texts == nil {
		return nil
	}
	out := append([]StepText(nil), texts...)
	if !ems {
		for i, t := range out {
			if alt, ok := noEMS[mode][t.N]; ok {
				out[i] = alt
			}
		}
	}
	return out
}
