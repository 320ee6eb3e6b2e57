package glossary

// entries is the catalogue. Each text says what the term is, why it
// matters, and, where the playground's engine does not do it, that real
// HTTPS has it and this page does not show it yet.
var entries = []Entry{
	{
		ID: "ssl", Term: "SSL and TLS", Expansion: "Secure Sockets Layer, Transport Layer Security",
		Text: "SSL was Netscape's protocol (SSL 2.0 in 1995, SSL 3.0 in 1996). The IETF took it over and renamed it TLS: TLS 1.0 (1999), 1.1 (2006), 1.2 (2008) and 1.3 (2018). " +
			"SSL 2.0 is prohibited (RFC 6176), SSL 3.0 deprecated after the POODLE attack (RFC 7568), TLS 1.0 and 1.1 deprecated in 2021 (RFC 8996). " +
			"The old name survives in \"SSL certificate\", OpenSSL and SSLKEYLOGFILE, but an \"SSL\" connection today is TLS 1.2 or TLS 1.3, the two versions this playground speaks.",
		RFC:   []string{"RFC 6176 §3", "RFC 7568 §3", "RFC 8996 §4", "RFC 8996 §5"},
		Match: []string{"SSL"},
	},
	{
		ID: "cipher-suite", Term: "cipher suite", Expansion: "the set of algorithms a connection uses, named by one 16-bit code",
		Text: "In TLS 1.2 a suite such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 fixes the key exchange (ECDHE), the server's authentication (RSA), the record protection (AES-128-GCM) and the hash of the PRF (SHA-256). " +
			"TLS 1.3 suites name only the AEAD and the hash (TLS_AES_128_GCM_SHA256); the key exchange group and the signature scheme are negotiated separately. " +
			"The client lists the suites it accepts; the server selects one. The RFCs leave the choice to the server: it may follow its own preference or the client's order.",
		RFC:   []string{"RFC 5246 §7.4.1.2", "RFC 8446 §4.1.1", "RFC 8446 §B.4"},
		Match: []string{"cipher suite", "cipher suites"},
	},
	{
		ID: "sni", Term: "SNI", Expansion: "Server Name Indication",
		Text: "A ClientHello extension that names the host the client wants to reach, so that one IP address can serve many sites, each with its own certificate. " +
			"It travels in the clear, in TLS 1.3 too: an eavesdropper who cannot read the certificate still reads the site's name here (and usually in the DNS query before it). ECH is the answer.",
		RFC:   []string{"RFC 6066 §3"},
		Match: []string{"SNI"},
	},
	{
		ID: "alpn", Term: "ALPN", Expansion: "Application-Layer Protocol Negotiation",
		Text: "A ClientHello extension listing the application protocols the client speaks over TLS (h2, http/1.1); the server picks one, in ServerHello (TLS 1.2) or EncryptedExtensions (TLS 1.3). " +
			"Browsers always send it; this playground's engine does not.",
		RFC: []string{"RFC 7301 §3.1"},
	},
	{
		ID: "grease", Term: "GREASE", Expansion: "Generate Random Extensions And Sustain Extensibility",
		Text: "Browsers put reserved, meaningless values (0x0A0A, 0x1A1A, …) among their cipher suites, extensions, groups and versions. " +
			"A server must ignore values it does not know; GREASE catches servers that choke on them, so that genuinely new values can be deployed later. " +
			"A real browser's ClientHello shows them; this engine's does not.",
		RFC: []string{"RFC 8701 §2", "RFC 8701 §3"},
	},
	{
		ID: "ecdhe", Term: "ECDHE", Expansion: "Elliptic-Curve Diffie-Hellman, Ephemeral",
		Text: "Each side makes a fresh key pair on an elliptic curve (X25519, P-256) for this connection only and sends the public half. " +
			"Each combines its own private key with the other's public key and both get the same shared secret, which never travels. " +
			"\"Ephemeral\" means new keys every connection, erased afterwards: that is what gives forward secrecy.",
		RFC:   []string{"RFC 8422 §2", "RFC 7748 §6.1", "RFC 8446 §4.2.8"},
		Match: []string{"ECDHE", "Diffie-Hellman", "ephemeral ECDH"},
	},
	{
		ID: "ml-kem", Term: "ML-KEM and hybrid key exchange", Expansion: "Module-Lattice-based Key-Encapsulation Mechanism (FIPS 203)",
		Text: "A post-quantum key encapsulation: the client sends an encapsulation key, the server answers with a ciphertext that only the client can open, and both get the same 32-byte secret. " +
			"X25519MLKEM768 combines it with X25519 so that the result is safe if either holds. On the wire the client's share is the ML-KEM-768 encapsulation key (1184 bytes) then its X25519 key (32 bytes); " +
			"the server's is the ML-KEM ciphertext (1088 bytes) then its X25519 key (32 bytes); the shared secret is the ML-KEM secret then the X25519 secret. " +
			"It protects recorded traffic against a future quantum computer (\"harvest now, decrypt later\"); authentication is still classical (RSA or ECDSA certificates and signatures). " +
			"Browsers send the hybrid share and an X25519 share, so a server without ML-KEM needs no HelloRetryRequest; this engine's client sends one share. The code point and the layout come from the IETF draft draft-ietf-tls-ecdhe-mlkem.",
		RFC:   []string{"RFC 8446 §4.2.8", "RFC 8446 §7.4"},
		Match: []string{"ML-KEM", "X25519MLKEM768", "post-quantum"},
	},
	{
		ID: "hrr", Term: "HelloRetryRequest", Expansion: "HRR: the TLS 1.3 server's request for a second ClientHello",
		Text: "When none of the client's key shares is in a group the server accepts, the server answers with a HelloRetryRequest (a ServerHello with a fixed special random) naming the group it wants. " +
			"The client sends a second ClientHello with a share for that group: one extra round trip.",
		RFC:   []string{"RFC 8446 §4.1.4"},
		Match: []string{"HelloRetryRequest", "HRR"},
	},
	{
		ID: "pkcs1", Term: "PKCS#1 v1.5", Expansion: "Public-Key Cryptography Standards #1, version 1.5 (RSA padding)",
		Text: "The padding the classic handshake puts around the 48-byte pre-master secret before RSA encryption: 00 02, at least eight non-zero random bytes, 00, then the secret, as long as the modulus. " +
			"The receiver must check this shape after decrypting; a server that lets an attacker tell a good shape from a bad one is Bleichenbacher's oracle. " +
			"A second PKCS#1 v1.5 padding, for signatures, is still used in certificates and TLS 1.2.",
		RFC:   []string{"RFC 8017 §7.2", "RFC 5246 §7.4.7.1"},
		Match: []string{"PKCS#1 v1.5"},
	},
	{
		ID: "rsa-encryption", Term: "EM^e mod n", Expansion: "RSA encryption of the encoded (padded) message",
		Text: "EM is the padded message read as one big number; e is the public exponent (almost always 65537) and n the public modulus, both in the certificate. " +
			"The ciphertext is EM raised to the power e, modulo n. Only the holder of the private exponent d can compute ciphertext^d mod n and get EM back.",
		RFC:   []string{"RFC 8017 §5.1.1", "RFC 8017 §7.2.1"},
		Match: []string{"EM^e mod n"},
	},
	{
		ID: "pre-master-secret", Term: "pre-master secret", Expansion: "TLS 1.2's shared input to the key derivation",
		Text: "In the classic handshake, 48 bytes the client picks (its version, then 46 random bytes) and sends RSA-encrypted; with ECDHE, the Diffie-Hellman shared secret. " +
			"Both sides turn it, with the PRF, into the master secret.",
		RFC:   []string{"RFC 5246 §7.4.7.1", "RFC 5246 §8.1", "RFC 8422 §5.10"},
		Match: []string{"pre-master secret"},
	},
	{
		ID: "prf", Term: "PRF", Expansion: "pseudorandom function (TLS 1.2)",
		Text: "TLS 1.2's way to stretch a secret into as many bytes as needed: PRF(secret, label, seed) chains HMAC with the suite's hash (P_SHA256 or P_SHA384). " +
			"It makes the master secret from the pre-master secret, the key block from the master secret, and the Finished messages' verify_data.",
		RFC:   []string{"RFC 5246 §5"},
		Match: []string{"PRF"},
	},
	{
		ID: "ems", Term: "EMS", Expansion: "Extended Master Secret",
		Text: "A TLS 1.2 extension: the master secret is computed from the session hash, a hash of the handshake messages from ClientHello up to and including ClientKeyExchange, instead of from the two randoms. " +
			"A man in the middle then cannot make two different connections end with the same master secret (the triple handshake attack). " +
			"Both sides must send the extension; without it the master secret comes from the randoms.",
		RFC:   []string{"RFC 7627 §3", "RFC 7627 §4"},
		Match: []string{"extended master secret", "EMS", "session hash"},
	},
	{
		ID: "hkdf", Term: "HKDF", Expansion: "HMAC-based Extract-and-Expand Key Derivation Function",
		Text: "TLS 1.3's replacement for the PRF. Extract concentrates the randomness of an input (the shared secret) into a fixed-size key; Expand derives as many labelled outputs from it as needed. " +
			"TLS 1.3 uses HKDF-Expand-Label, which mixes in a label (\"c hs traffic\", \"key\", \"iv\", \"finished\"…) and the transcript hash, so that every key is bound to its purpose and to this handshake.",
		RFC:   []string{"RFC 5869 §2", "RFC 8446 §7.1"},
		Match: []string{"HKDF", "HKDF-Expand-Label"},
	},
	{
		ID: "mac", Term: "MAC", Expansion: "message authentication code",
		Text: "A short tag computed from a secret key and a message. Without the key nobody can compute a valid tag, so a receiver who recomputes it detects any change. " +
			"HMAC builds one from a hash function. Finished is a MAC; every AEAD contains one (GHASH in AES-GCM, Poly1305 in ChaCha20-Poly1305).",
		RFC:   []string{"RFC 2104 §2"},
		Match: []string{"HMAC", "MAC"},
	},
	{
		ID: "aead", Term: "AEAD", Expansion: "Authenticated Encryption with Associated Data",
		Text: "One operation that encrypts and authenticates: key, nonce, plaintext and additional data in, ciphertext and a 16-byte tag out. Changing one bit of the ciphertext or of the additional data makes decryption fail. " +
			"AES-GCM and ChaCha20-Poly1305 are the AEADs of TLS. In TLS 1.2 the additional data is the sequence number, the record type, the version and the plaintext's length; in TLS 1.3 it is the record header.",
		RFC:   []string{"RFC 5116 §2", "RFC 5246 §6.2.3.3", "RFC 8446 §5.2"},
		Match: []string{"AEAD"},
	},
	{
		ID: "nonce", Term: "nonce", Expansion: "number used once",
		Text: "An input to the AEAD that must never repeat under the same key. TLS 1.2 AES-GCM: a 4-byte salt from the key block plus an 8-byte explicit nonce sent in front of each record — this engine, like most implementations, sends the record's sequence number there. " +
			"TLS 1.3 (and ChaCha20-Poly1305 in TLS 1.2): the IV from the key schedule XOR the sequence number, and nothing is sent.",
		RFC:   []string{"RFC 5288 §3", "RFC 8446 §5.3"},
		Match: []string{"nonce", "explicit nonce"},
	},
	{
		ID: "transcript-hash", Term: "transcript hash", Expansion: "a hash of every handshake message so far, in order",
		Text: "The hash of the concatenated handshake messages, from ClientHello to the message in question. TLS 1.3 feeds it into the key schedule, CertificateVerify and Finished, " +
			"so that a signature or a key belongs to exactly this conversation: an attacker who changes one byte of any message changes the hash and breaks everything after it.",
		RFC:   []string{"RFC 8446 §4.4.1"},
		Match: []string{"transcript hash", "transcript"},
	},
	{
		ID: "finished", Term: "Finished", Expansion: "the last handshake message of each side",
		Text: "A MAC over the whole handshake, keyed by a secret only the two ends have. TLS 1.2: verify_data = PRF(master secret, \"client finished\" or \"server finished\", hash of the handshake messages), 12 bytes. " +
			"TLS 1.3: HMAC(finished_key, transcript hash), where finished_key is derived from the side's handshake traffic secret. " +
			"It is not a bare hash, which anyone could compute: only someone holding the keys can produce it, so a good Finished proves both sides have the same keys and saw the same messages.",
		RFC:   []string{"RFC 5246 §7.4.9", "RFC 8446 §4.4.4"},
		Match: []string{"Finished", "finished_key"},
	},
	{
		ID: "certificate-verify", Term: "CertificateVerify", Expansion: "the TLS 1.3 server's signature over the handshake",
		Text: "The server signs, with its certificate's private key, the transcript hash (after 64 spaces and a context string). It proves that the holder of the certificate's key takes part in this handshake, now. " +
			"In TLS 1.2 with ECDHE the same job is done by the signature in ServerKeyExchange, which covers the two randoms and the server's key share.",
		RFC:   []string{"RFC 8446 §4.4.3"},
		Match: []string{"CertificateVerify"},
	},
	{
		ID: "ca", Term: "root and intermediate CA", Expansion: "certificate authorities",
		Text: "A root is a self-signed CA certificate that ships in the browser's or the operating system's trust store. Public CAs keep root keys offline and issue site certificates from intermediates the root signed. " +
			"The server sends its certificate and the intermediates; it may omit the root, which the client must already have. " +
			"This page's CA does the same: its root signs an intermediate, and the intermediate signs the server's certificate.",
		RFC:   []string{"RFC 5280 §6.1", "RFC 8446 §4.4.2", "RFC 5246 §7.4.2"},
		Match: []string{"intermediate", "intermediates", "trust store"},
	},
	{
		ID: "basic-constraints", Term: "basicConstraints", Expansion: "the X.509 extension that says whether a certificate is a CA",
		Text: "CA:TRUE lets a certificate issue others (with an optional limit on the path length below it); every site certificate says CA:FALSE. " +
			"A client must refuse a chain in which an issuer is not a CA, or anyone with an ordinary site certificate could sign one for any other site.",
		RFC:   []string{"RFC 5280 §4.2.1.9", "RFC 5280 §6.1.4"},
		Match: []string{"basicConstraints"},
	},
	{
		ID: "san", Term: "subjectAltName", Expansion: "Subject Alternative Name",
		Text:  "The certificate extension listing the names (DNS names, IP addresses) the certificate is valid for. Clients match the host they asked for against it; browsers and Go ignore the older common name.",
		RFC:   []string{"RFC 5280 §4.2.1.6", "RFC 6125 §6"},
		Match: []string{"Subject Alternative Name", "subjectAltName"},
	},
	{
		ID: "aia", Term: "AIA", Expansion: "Authority Information Access",
		Text: "A certificate extension with the address of the issuer's certificate (and, often, of its OCSP responder). Some clients — Chrome, Windows, macOS — download a missing intermediate from it; Firefox ships the intermediates of public CAs instead; curl and Python with OpenSSL, and Go on Linux, do neither. " +
			"So a server that forgets its intermediate can work in one browser and fail elsewhere.",
		RFC:   []string{"RFC 5280 §4.2.2.1"},
		Match: []string{"AIA", "Authority Information Access"},
	},
	{
		ID: "revocation", Term: "revocation", Expansion: "withdrawing a certificate before it expires",
		Text: "When a key is stolen or a certificate wrongly issued, the CA revokes it. Clients learn of it through CRLs (signed lists the CA publishes), OCSP (asking the CA about one certificate), a stapled OCSP response from the server, " +
			"or lists the browser vendor pushes (Chrome's CRLSets, Firefox's CRLite). This is the part of certificate checking that does involve the CA, though rarely during the handshake itself. " +
			"The playground's client checks no revocation.",
		RFC:   []string{"RFC 5280 §5", "RFC 6960 §2"},
		Match: []string{"revocation", "revoked", "CRL", "CRLs"},
	},
	{
		ID: "ocsp", Term: "OCSP and stapling", Expansion: "Online Certificate Status Protocol",
		Text: "A signed, short-lived answer from the CA's responder: this certificate is good, or revoked. A browser that asked itself would tell the CA which sites it visits and wait for the answer, so the server can fetch it and \"staple\" it to the handshake: " +
			"the client asks with the status_request extension, and the response arrives in TLS 1.2's CertificateStatus message or, in TLS 1.3, inside the Certificate message's entry for the leaf. " +
			"This engine neither asks for nor sends a stapled response.",
		RFC:   []string{"RFC 6960 §2", "RFC 6066 §8", "RFC 8446 §4.4.2.1"},
		Match: []string{"OCSP", "stapled", "stapling", "status_request"},
	},
	{
		ID: "sct", Term: "SCT and Certificate Transparency", Expansion: "Signed Certificate Timestamp",
		Text: "Publicly trusted CAs log every certificate they issue in public, append-only Certificate Transparency logs; a log answers with an SCT, its signed promise to publish the certificate. " +
			"Chrome and Safari require SCTs from several logs, so a certificate issued in secret — for someone else's site — would be refused, and one that is logged can be found by the site's owner. " +
			"SCTs travel embedded in the certificate, in a TLS extension or in a stapled OCSP response. Roots added to a trust store locally (a company's proxy, Mallory's) are exempt. The page's certificates carry none.",
		RFC:   []string{"RFC 6962 §3.2", "RFC 6962 §3.3"},
		Match: []string{"SCT", "SCTs", "Certificate Transparency"},
	},
	{
		ID: "hsts", Term: "HSTS", Expansion: "HTTP Strict Transport Security",
		Text: "A response header (Strict-Transport-Security: max-age=…) telling the browser to use only https:// for this host for that time, and to allow no click-through on a certificate error. " +
			"Without it, a visitor who types the bare name starts with plain http://, and an attacker in the middle can keep the whole visit on HTTP (SSL stripping): TLS never starts, so none of its checks run. " +
			"Browsers' preload lists cover even the first visit. This page's server sends no HSTS header.",
		RFC:   []string{"RFC 6797 §5", "RFC 6797 §6.1"},
		Match: []string{"HSTS"},
	},
	{
		ID: "ech", Term: "ECH", Expansion: "Encrypted Client Hello",
		Text: "The client encrypts its real ClientHello — with the real server name — under a public key the server publishes in DNS, and wraps it in an outer ClientHello that names only a shared front end. " +
			"An eavesdropper then sees which provider, not which site. The playground does not implement it.",
		RFC:   []string{"RFC 9849 §1"},
		Match: []string{"ECH", "Encrypted Client Hello"},
	},
	{
		ID: "forward-secrecy", Term: "forward secrecy", Expansion: "also called perfect forward secrecy",
		Text: "A recorded session stays secret even if the server's long-term key is stolen later, because its keys came from ephemeral key pairs that were erased. The classic RSA key transport has none: the certificate's key decrypts every recorded session. " +
			"It also fails whenever a long-lived secret can rebuild the keys: a leaked TLS 1.2 session-ticket key, a PSK-only (psk_ke) resumption, and 0-RTT early data, all decryptable by whoever later gets the ticket key or the resumption secret.",
		RFC:   []string{"RFC 8446 §E.1", "RFC 8446 §2.2"},
		Match: []string{"forward secrecy", "forward secret"},
	},
	{
		ID: "session-ticket", Term: "session ticket", Expansion: "resumption state the server hands the client",
		Text: "To skip the full handshake next time, a server caches the session (TLS 1.2 session IDs) or gives the client a ticket: the session's secret, encrypted under a ticket key only the server knows (TLS 1.2, RFC 5077; TLS 1.3's NewSessionTicket, from which a PSK is derived). " +
			"Whoever obtains the ticket key can decrypt, in TLS 1.2, every session that received a ticket and each resumption of it; in TLS 1.3, the 0-RTT data and any PSK-only (psk_ke) resumption, while a psk_dhe_ke resumption still has its fresh ECDHE. Servers rotate the key often. " +
			"Real HTTPS resumes most connections this way. The sessions this page steps through are full handshakes; the resumption lab (\"Resumption and 0-RTT\") has the engine's server issue a ticket and its client resume with it, in TLS 1.2 and TLS 1.3.",
		RFC:   []string{"RFC 5077 §3.1", "RFC 5077 §4", "RFC 8446 §4.6.1"},
		Match: []string{"session ticket", "session tickets", "tickets", "session caches", "session cache"},
	},
	{
		ID: "psk", Term: "PSK", Expansion: "pre-shared key",
		Text: "In TLS 1.3 a secret both sides already hold: from a previous connection's ticket (resumption) or configured out of band. " +
			"With psk_dhe_ke the handshake still does a fresh ECDHE, so it stays forward secret; with psk_ke it does not, and whoever learns the PSK can decrypt the session. " +
			"Resumption also skips the certificate: the PSK proves who the server is. The sessions this page steps through are full handshakes; the resumption lab resumes with a ticket's PSK, with psk_dhe_ke or psk_ke.",
		RFC:   []string{"RFC 8446 §2.2", "RFC 8446 §4.2.9", "RFC 8446 §4.2.11"},
		Match: []string{"PSK", "pre-shared key", "resumption"},
	},
	{
		ID: "0-rtt", Term: "0-RTT", Expansion: "zero round-trip time: early data",
		Text: "A client resuming with a PSK may send application data in its first flight, before any answer, encrypted under keys derived from the PSK alone. " +
			"That data is not forward secret, and an attacker can replay it to the server, so servers must limit replays and accept only requests that are safe to repeat. " +
			"In the resumption lab the engine's client sends early data and its server, which issued the ticket, accepts it: a replayed request is served twice. Everywhere else no early data is sent, and a server of the engine's that did not issue the ticket skips any it receives, as a server that rejects 0-RTT does.",
		RFC:   []string{"RFC 8446 §2.3", "RFC 8446 §8", "RFC 8446 §E.5"},
		Match: []string{"0-RTT", "early data"},
	},
	{
		ID: "downgrade-sentinel", Term: "downgrade sentinel", Expansion: "DOWNGRD in the last 8 bytes of ServerHello.random",
		Text: "A TLS 1.3 server that ends up speaking TLS 1.2 ends its random with 44 4F 57 4E 47 52 44 01 (\"DOWNGRD\", 01); a TLS 1.3 client that sees it aborts. " +
			"The TLS 1.2 server signs both randoms in ServerKeyExchange, so an attacker cannot remove it — when an ephemeral key exchange is used. " +
			"RFC 8446 calls it limited protection beyond what Finished gives, and none at all with static RSA key transport, where nothing signs the random.",
		RFC:   []string{"RFC 8446 §4.1.3"},
		Match: []string{"downgrade sentinel", "sentinel"},
	},
	{
		ID: "bleichenbacher", Term: "Bleichenbacher and ROBOT", Expansion: "the padding-oracle attack on RSA PKCS#1 v1.5 (1998), found again in 2017",
		Text: "A server that reveals — by its alert, its timing, or whether it closes the connection — if a decrypted RSA block had a valid PKCS#1 v1.5 shape is an oracle: with many thousands of crafted queries an attacker decrypts a recorded pre-master secret. " +
			"Since RSA decryption and RSA signing are the same operation, the same oracle can also sign with the server's key. ROBOT (2017) found it in many products 19 years later. " +
			"TLS 1.3 removed RSA key transport, but a key shared with a vulnerable TLS 1.2 server still lets an attacker forge signatures, TLS 1.3 CertificateVerify included: a cross-protocol attack.",
		RFC:   []string{"RFC 5246 §7.4.7.1", "RFC 8446 §E.8"},
		Match: []string{"Bleichenbacher", "ROBOT"},
	},
	{
		ID: "ccs-compat", Term: "middlebox compatibility mode", Expansion: "TLS 1.3's dummy ChangeCipherSpec and legacy session ID",
		Text: "TLS 1.3 has no ChangeCipherSpec, but some network boxes drop what does not look like TLS 1.2. So clients send a non-empty legacy_session_id, and both sides may send a one-byte ChangeCipherSpec record (01) that the receiver ignores, " +
			"making a TLS 1.3 handshake look like a resumed TLS 1.2 session. Browsers and most servers do: a real capture shows one from the server after ServerHello and one from the client before its second flight. " +
			"This engine sends the session ID but no ChangeCipherSpec, and ignores one it receives.",
		RFC:   []string{"RFC 8446 §D.4"},
		Match: []string{"middlebox compatibility", "ChangeCipherSpec"},
	},
	{
		ID: "key-log", Term: "key log", Expansion: "SSLKEYLOGFILE: a connection's secrets in a text file",
		Text: "One line per secret: a label (CLIENT_RANDOM for a TLS 1.2 master secret; CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_TRAFFIC_SECRET_0… for TLS 1.3), the client random that identifies the connection, and the secret, in hex. " +
			"Browsers write it when the SSLKEYLOGFILE environment variable is set, and Wireshark decrypts a capture with it. Whoever has the file can read those sessions: it is for debugging only.",
		RFC:   []string{"RFC 9850 §1", "RFC 8446 §7.1"},
		Match: []string{"key log", "SSLKEYLOGFILE"},
	},
}
