package session

// StepText is what the page says about one of the seven steps: the sentence
// the "how SSL/TLS works" articles give, and what the engine really does.
type StepText struct {
	N       int    `json:"n"`
	Title   string `json:"title"`
	Article string `json:"article"`
	Really  string `json:"really"`
}

// classicSteps maps the seven steps of the articles onto TLS 1.2 with RSA key
// transport (RFC 5246).
var classicSteps = []StepText{
	{1, "The client says hello",
		"The client contacts the server using a secure (https) URL.",
		"After the TCP connection, the client sends a ClientHello: the highest TLS version it speaks, 32 fresh random bytes (the client random), the cipher suites it supports in its order of preference, and extensions such as the server name (SNI). All of it travels in the clear."},
	{2, "The server sends its certificate",
		"The server sends its certificate and public key to the client.",
		"The server answers with three messages in one flight: ServerHello (its own 32 random bytes and the suite it chose), Certificate (the chain, leaf first; the public key is inside the leaf) and ServerHelloDone. The root certificate is not sent: the client must already have it."},
	{3, "The client checks the certificate",
		"The client verifies the certificate with a trusted root certification authority.",
		"Nothing is asked of the CA: the check happens locally, on the client, against a trust store that shipped with the browser or the operating system. The client checks each signature up the chain to a root it trusts, the validity dates, that the name it wanted is in the leaf's Subject Alternative Name, and that the certificate may be used for a TLS server. Here crypto/x509 does the check."},
	{4, "Both agree on a cipher",
		"The client and the server negotiate the strongest type of encryption both support.",
		"The server decides, from the list the client sent, and announces its choice in ServerHello, so in the real protocol this happened before step 2. A cipher suite fixes everything at once: the key exchange (here RSA key transport), the record cipher (AES-GCM) and the hash for the key derivation (SHA-256 or SHA-384)."},
	{5, "The client sends the session key, encrypted",
		"The client encrypts a session (secret) key with the server's public key and sends it.",
		"The \"session key\" is the pre-master secret: 48 bytes, the client's version then 46 random bytes. The client pads it (PKCS#1 v1.5) and encrypts it with the server's RSA public key from the certificate, in a ClientKeyExchange message. It is not used as a key itself: both sides derive the real keys from it."},
	{6, "The server decrypts it: the session is established",
		"The server decrypts the session key with its private key, and the secure session is established.",
		"Only the private key can undo the encryption. Both sides then run the TLS 1.2 PRF: pre-master secret + both randoms (or, with the extended master secret, a hash of the whole handshake) give the 48-byte master secret, which expands into a write key and an IV for each direction. Each side sends ChangeCipherSpec and an encrypted Finished message holding a hash of everything said so far; checking the peer's Finished proves that both hold the same keys and saw the same handshake, untouched."},
	{7, "Encrypted data flows; the keys are discarded",
		"Client and server exchange data under symmetric encryption with the session key; at the end the keys are discarded.",
		"Every record is encrypted and authenticated with AES-GCM under the sender's write key: a nonce made of the implicit IV and a per-record counter, additional data binding the sequence number and the record header, and a 16-byte tag that makes any change detectable. At the end each side sends close_notify and throws its keys away. A new session gets new randoms, a new pre-master secret and new keys, so the same message encrypts differently."},
}

// stepTexts holds the seven steps' texts for each mode.
var stepTexts = map[string][]StepText{
	ModeClassic: classicSteps,
}

// tls13Steps maps the seven steps onto TLS 1.3 (RFC 8446).
var tls13Steps = []StepText{
	{1, "The client says hello, and already sends a key share",
		"The client contacts the server using a secure (https) URL.",
		"The ClientHello says TLS 1.3 in supported_versions and lists the suites, the groups and the signature schemes it accepts. Unlike TLS 1.2 it already carries a key share: a fresh ephemeral public key for the group the client guesses the server will take (here by default the post-quantum hybrid X25519MLKEM768, as browsers send today). The private half never leaves the client."},
	{2, "The server answers, and from then on everything is encrypted",
		"The server sends its certificate and public key to the client.",
		"ServerHello carries the server's random, the chosen suite and the server's own key share: the last message in the clear. Both sides can now compute the shared secret, so EncryptedExtensions, Certificate, CertificateVerify and Finished all travel encrypted under the handshake keys. An eavesdropper does not even see which certificate was sent."},
	{3, "The client checks the certificate",
		"The client verifies the certificate with a trusted root certification authority.",
		"As in TLS 1.2, the check is local: crypto/x509 follows the chain to a root in the client's own trust store, checks the dates, the host name in the Subject Alternative Name and the serverAuth usage. The CA is never contacted."},
	{4, "Both agree on cipher, group and signature",
		"The client and the server negotiate the strongest type of encryption both support.",
		"The server picks the AEAD and hash (the cipher suite), the key exchange group and the signature scheme separately, from the client's lists. If the client sent no key share the server accepts, the server answers with a HelloRetryRequest naming a group, and the client sends a second ClientHello: one extra round trip."},
	{5, "No secret is encrypted with the server's key: both compute it",
		"The client encrypts a session (secret) key with the server's public key and sends it.",
		"This is the step TLS 1.3 changed. Nothing is encrypted with the server's certificate key. Each side combines its own ephemeral private key with the other's public key share (Diffie-Hellman; with ML-KEM, an encapsulation) and gets the same shared secret, which never travels. The ephemeral keys are thrown away after the handshake: that is forward secrecy."},
	{6, "The server proves its identity; Finished both ways",
		"The server decrypts the session key with its private key, and the secure session is established.",
		"The server's private key is used to sign, not to decrypt: CertificateVerify is a signature over the hash of the whole handshake so far, checked with the certificate's public key. HKDF turns the shared secret into the handshake secret, then the master secret, and from each a traffic secret per direction. Each side's Finished is an HMAC over the transcript; checking the peer's proves both hold the same keys and saw the same handshake."},
	{7, "Encrypted data flows; the keys are discarded",
		"Client and server exchange data under symmetric encryption with the session key; at the end the keys are discarded.",
		"Records are protected with the suite's AEAD under the application traffic keys. The nonce is the traffic IV XOR the record counter, and the real content type travels encrypted inside, so every record looks like application data. KeyUpdate moves a direction to fresh keys without a new handshake. At the end each side sends close_notify and erases its keys; since the ephemeral private keys are already gone, even the server's certificate key cannot decrypt this session later."},
}

func init() {
	stepTexts[ModeTLS13] = tls13Steps
	stepTexts[ModeECDHE] = ecdheSteps
}

// ecdheSteps maps the seven steps onto TLS 1.2 with ephemeral ECDH
// (RFC 8422): the common TLS 1.2 deployment.
var ecdheSteps = []StepText{
	{1, "The client says hello",
		"The client contacts the server using a secure (https) URL.",
		"The ClientHello is the one of the classic handshake, plus the groups the client can do Diffie-Hellman with (supported_groups) and the point formats. It offers ECDHE suites: the key exchange will be ephemeral."},
	{2, "The server sends its certificate, and a fresh public key",
		"The server sends its certificate and public key to the client.",
		"ServerHello, Certificate and ServerHelloDone as before, with one more message between them: ServerKeyExchange. It carries an ephemeral ECDH public key made for this connection only, signed with the certificate's private key. So the server sends two public keys: the long-term one in the certificate, and the throwaway one for the key exchange."},
	{3, "The client checks the certificate",
		"The client verifies the certificate with a trusted root certification authority.",
		"Locally, against the client's own trust store, as in every mode. It matters even more here: the certificate's key is what vouches for the ephemeral key in ServerKeyExchange."},
	{4, "Both agree on a cipher",
		"The client and the server negotiate the strongest type of encryption both support.",
		"The server picks an ECDHE suite that fits its key (ECDHE_RSA for an RSA certificate, ECDHE_ECDSA for an ECDSA one), a group both support, and a signature scheme the client accepts. All of it is announced in the clear."},
	{5, "No secret is encrypted with the server's key: both compute it",
		"The client encrypts a session (secret) key with the server's public key and sends it.",
		"The client checks the ServerKeyExchange signature with the certificate's public key, makes its own ephemeral key pair and sends the public half in ClientKeyExchange. Each side combines its private key with the other's public key and gets the same shared secret: that is the pre-master secret. It never travels, and nothing is encrypted with the certificate's key."},
	{6, "Keys derived, Finished both ways",
		"The server decrypts the session key with its private key, and the secure session is established.",
		"The server's private key only signed; it decrypts nothing. From the pre-master secret both sides run the same TLS 1.2 PRF as in the classic handshake: master secret (extended, RFC 7627), key block, write keys and IVs. ChangeCipherSpec and Finished both ways prove the keys and the handshake match."},
	{7, "Encrypted data flows; the keys are discarded",
		"Client and server exchange data under symmetric encryption with the session key; at the end the keys are discarded.",
		"Records are protected as in the classic handshake (AES-GCM with an explicit nonce, or ChaCha20-Poly1305 with a nonce from the sequence number). When the session ends the ephemeral private keys are gone, so a server key stolen later cannot recompute this session's secret: forward secrecy, already in TLS 1.2."},
}

// StepTexts returns the seven steps' texts for a mode (nil for an unknown mode).
func StepTexts(mode string) []StepText { return stepTexts[mode] }
