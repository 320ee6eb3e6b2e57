package analyze

import (
	"slices"
	"strings"
)

// info is what a learner reads about one kind of field.
type info struct{ kind, name, explain, rfc string }

// kinds is the one table of field kinds, sorted by kind (a test checks):
// the stable machine id, the name, a one-line explanation and the RFC
// section. Extension kinds are "ext."
// plus the id in extTable; a kind ending in ".length", ".data", ".value"
// or ".grease" borrows from its parent kind (see describe).
var kinds = []info{
	{"aead.ciphertext", "ciphertext", "the encrypted content: as long as the plaintext, unreadable without the keys", "RFC 5246 §6.2.3.3"},
	{"aead.content", "content", "the decrypted content", "RFC 5246 §6.2.3.3"},
	{"aead.explicit_nonce", "explicit nonce", "8 bytes sent in the clear that, after the 4-byte implicit IV, make the AES-GCM nonce; most senders use the record's sequence number", "RFC 5288 §3"},
	{"aead.tag", "authentication tag", "16 bytes that prove the record was not changed; a wrong tag is bad_record_mac", "RFC 5116 §5.1"},
	{"alert", "alert", "a warning or an error: level and description", "RFC 8446 §6"},
	{"alert.description", "alert description", "what went wrong (or close_notify: a clean goodbye)", "RFC 8446 §6"},
	{"alert.level", "alert level", "1 is a warning, 2 is fatal: the connection ends", "RFC 5246 §7.2"},
	{"app_data", "application data", "the bytes the application sent, such as an HTTP request", "RFC 8446 §5.1"},
	{"asn1.algorithm", "algorithm", "the algorithm's object identifier", "RFC 5280 §4.1.1.2"},
	{"asn1.attribute", "attribute", "a type and a value, such as CN=example.com", "RFC 5280 §4.1.2.4"},
	{"asn1.attribute_type", "attribute type", "which part of the name", "RFC 5280 §4.1.2.4"},
	{"asn1.attribute_value", "attribute value", "the text", "RFC 5280 §4.1.2.4"},
	{"asn1.bit_string", "BIT STRING", "a string of bits", "X.690 §8.6"},
	{"asn1.bit_string.unused_bits", "unused bits", "how many bits of the last byte are not used (0 for keys and signatures)", "X.690 §8.6.2"},
	{"asn1.boolean", "BOOLEAN", "true or false", "X.690 §8.2"},
	{"asn1.certificate", "X.509 certificate", "the signed statement that binds a public key to a name", "RFC 5280 §4.1"},
	{"asn1.context", "context-specific", "a value whose meaning depends on its position", "X.690 §8.1.2"},
	{"asn1.ecdsa.r", "r", "the first half of an ECDSA signature: a number derived from a one-time random point", "RFC 5480 §2.2"},
	{"asn1.ecdsa.s", "s", "the second half of an ECDSA signature: ties r to the message hash and the private key", "RFC 5480 §2.2"},
	{"asn1.ecdsa_signature", "ECDSA signature", "two numbers, r and s, in DER", "RFC 5480 §2.2"},
	{"asn1.extension", "certificate extension", "one extension: id, critical flag, value", "RFC 5280 §4.2"},
	{"asn1.extension.critical", "critical", "a client that does not understand a critical extension must reject the certificate", "RFC 5280 §4.2"},
	{"asn1.extension.id", "extension id", "which extension", "RFC 5280 §4.2"},
	{"asn1.extension.value", "extension value", "the extension's own DER, wrapped in an OCTET STRING", "RFC 5280 §4.2"},
	{"asn1.extension_list", "extension list", "the extensions", "RFC 5280 §4.2"},
	{"asn1.extensions", "extensions", "[3]: what the key may be used for, names it covers, and more", "RFC 5280 §4.1.2.9"},
	{"asn1.integer", "INTEGER", "a number", "X.690 §8.3"},
	{"asn1.issuer", "issuer", "the name of the CA that signed this certificate", "RFC 5280 §4.1.2.4"},
	{"asn1.issuer_unique_id", "issuerUniqueID", "obsolete", "RFC 5280 §4.1.2.8"},
	{"asn1.length", "length", "how many bytes the value has", "X.690 §8.1.3"},
	{"asn1.name", "name", "a distinguished name", "RFC 5280 §4.1.2.4"},
	{"asn1.not_after", "notAfter", "valid until", "RFC 5280 §4.1.2.5"},
	{"asn1.not_before", "notBefore", "valid from", "RFC 5280 §4.1.2.5"},
	{"asn1.null", "NULL", "no value", "X.690 §8.8"},
	{"asn1.octet_string", "OCTET STRING", "a string of bytes", "X.690 §8.7"},
	{"asn1.oid", "OBJECT IDENTIFIER", "a globally unique name for an algorithm or attribute", "X.690 §8.19"},
	{"asn1.other", "ASN.1 value", "a value of another type", "X.690 §8.1"},
	{"asn1.parameters", "parameters", "the algorithm's parameters (NULL for RSA, the curve for EC)", "RFC 5280 §4.1.1.2"},
	{"asn1.rdn", "relative distinguished name", "one part of the name", "RFC 5280 §4.1.2.4"},
	{"asn1.rsa.modulus", "modulus", "n, the product of two secret primes: its size is the key size", "RFC 8017 §A.1.1"},
	{"asn1.rsa.public_exponent", "public exponent", "e, almost always 65537", "RFC 8017 §A.1.1"},
	{"asn1.rsa_public_key", "RSA public key", "modulus and public exponent", "RFC 8017 §A.1.1"},
	{"asn1.sequence", "SEQUENCE", "an ordered list of values", "X.690 §8.9"},
	{"asn1.serial_number", "serial number", "unique per issuer: names this certificate in revocation lists", "RFC 5280 §4.1.2.2"},
	{"asn1.set", "SET", "an unordered collection of values", "X.690 §8.11"},
	{"asn1.signature", "signature algorithm (inside)", "the algorithm the issuer signed with; must match signatureAlgorithm", "RFC 5280 §4.1.2.3"},
	{"asn1.signature_algorithm", "signatureAlgorithm", "the algorithm of the issuer's signature", "RFC 5280 §4.1.1.2"},
	{"asn1.signature_value", "signatureValue", "the issuer's signature over tbsCertificate", "RFC 5280 §4.1.1.3"},
	{"asn1.spki", "subjectPublicKeyInfo", "the subject's public key and its algorithm", "RFC 5280 §4.1.2.7"},
	{"asn1.spki.algorithm", "key algorithm", "the kind of public key (RSA, EC with its curve, Ed25519)", "RFC 5280 §4.1.2.7"},
	{"asn1.spki.key_bits", "key bits", "the encoded public key", "RFC 5280 §4.1.2.7"},
	{"asn1.spki.public_key", "public key", "the key bits", "RFC 5280 §4.1.2.7"},
	{"asn1.string", "string", "text", "X.690 §8.23"},
	{"asn1.subject", "subject", "whose key this is", "RFC 5280 §4.1.2.6"},
	{"asn1.subject_unique_id", "subjectUniqueID", "obsolete", "RFC 5280 §4.1.2.8"},
	{"asn1.tag", "tag", "what kind of ASN.1 value follows", "X.690 §8.1.2"},
	{"asn1.tbs_certificate", "tbsCertificate", "the part the issuer signs: names, validity, public key, extensions", "RFC 5280 §4.1.1.1"},
	{"asn1.time", "time", "a date and time", "RFC 5280 §4.1.2.5"},
	{"asn1.tlv", "ASN.1 value", "a DER value, cut by the end of the data", "X.690 §8.1"},
	{"asn1.validity", "validity", "the certificate is valid from notBefore to notAfter", "RFC 5280 §4.1.2.5"},
	{"asn1.version", "version", "v3 (2): the version that has extensions", "RFC 5280 §4.1.2.1"},
	{"cbc.ciphertext", "ciphertext", "the encrypted blocks: content, MAC and padding", "RFC 5246 §6.2.3.2"},
	{"cbc.content", "content", "the decrypted content", "RFC 5246 §6.2.3.2"},
	{"cbc.etm_mac", "MAC", "HMAC over the encrypted record (encrypt-then-MAC), checked before decrypting", "RFC 7366 §3"},
	{"cbc.iv", "IV", "a fresh random block that starts the CBC chain, sent in the clear", "RFC 5246 §6.2.3.2"},
	{"cbc.mac", "MAC", "HMAC over sequence number, header and content: proves the record was not changed", "RFC 5246 §6.2.3.1"},
	{"cbc.padding", "padding", "fills the last block; every byte holds the padding length", "RFC 5246 §6.2.3.2"},
	{"cbc.padding_length", "padding length", "how many padding bytes come before this one", "RFC 5246 §6.2.3.2"},
	{"ccs.value", "change_cipher_spec", "one byte, 1: from the next record on, this side encrypts (in TLS 1.3 it only calms middleboxes)", "RFC 5246 §7.1"},
	{"certificate.cert_data", "certificate", "one X.509 certificate in DER", "RFC 5280 §4.1"},
	{"certificate.certificate_list", "certificate list", "the chain: the sender's own certificate first, then the ones that signed it", "RFC 8446 §4.4.2"},
	{"certificate.entry", "certificate entry", "one certificate and its extensions", "RFC 8446 §4.4.2"},
	{"certificate.entry.extensions", "entry extensions", "per-certificate extensions such as an OCSP response or SCTs", "RFC 8446 §4.4.2"},
	{"certificate.request_context", "certificate request context", "empty for the server; echoes a CertificateRequest's context for a client", "RFC 8446 §4.4.2"},
	{"certificate_request.certificate_authorities", "certificate authorities", "the CAs whose certificates the server trusts", "RFC 5246 §7.4.4"},
	{"certificate_request.certificate_request_context", "request context", "an id the client's Certificate echoes", "RFC 8446 §4.3.2"},
	{"certificate_request.certificate_type", "certificate type", "one kind of key the server accepts", "RFC 5246 §7.4.4"},
	{"certificate_request.certificate_types", "certificate types", "the kinds of key the client's certificate may have", "RFC 5246 §7.4.4"},
	{"certificate_request.extensions", "extensions", "what the server accepts: signature_algorithms, certificate_authorities", "RFC 8446 §4.3.2"},
	{"certificate_request.signature_algorithm", "signature scheme", "one scheme the server accepts", "RFC 8446 §4.2.3"},
	{"certificate_request.supported_signature_algorithms", "signature algorithms", "the schemes the server accepts for the client's signature", "RFC 5246 §7.4.4"},
	{"certificate_status.ocsp_response", "OCSP response", "the stapled OCSP response (DER), signed by the certificate's issuer: good, revoked or unknown, and until when", "RFC 6960 §4.2.1"},
	{"certificate_status.status_type", "status type", "ocsp (1), the only type", "RFC 6066 §8"},
	{"certificate_verify.algorithm", "signature scheme", "the signature algorithm and hash used", "RFC 8446 §4.4.3"},
	{"certificate_verify.signature", "signature", "over the transcript hash, with the certificate's private key", "RFC 8446 §4.4.3"},
	{"client_hello.cipher_suite", "cipher suite", "one combination of key exchange, cipher and hash the client accepts", "RFC 8446 §B.4"},
	{"client_hello.cipher_suites", "cipher suites", "the encryption and hash combinations the client accepts, preferred first", "RFC 8446 §4.1.2"},
	{"client_hello.compression_method", "compression method", "null (0): no compression", "RFC 5246 §7.4.1.2"},
	{"client_hello.extensions", "extensions", "everything else the client offers or asks for, one extension each", "RFC 8446 §4.2"},
	{"client_hello.legacy_compression_methods", "compression methods", "always just null (0): compression leaked secrets (CRIME) and is gone", "RFC 8446 §4.1.2"},
	{"client_hello.legacy_session_id", "session ID", "TLS 1.2 resumption; TLS 1.3 clients send 32 random bytes so the hello looks like a resumption to middleboxes", "RFC 8446 §4.1.2"},
	{"client_hello.legacy_version", "legacy version", "TLS 1.2 (0x0303) for old servers; the real versions are in supported_versions", "RFC 8446 §4.1.2"},
	{"client_hello.random", "client random", "32 random bytes: make every handshake's keys unique", "RFC 8446 §4.1.2"},
	{"client_key_exchange.dh_yc", "client public value", "the client's ephemeral Diffie-Hellman public value, g^x mod p", "RFC 5246 §7.4.7.2"},
	{"client_key_exchange.ecdh_yc", "client public key", "the client's ephemeral ECDH public key", "RFC 8422 §5.7"},
	{"client_key_exchange.encrypted_pre_master_secret", "encrypted pre-master secret", "48 secret bytes encrypted with the server's RSA key: whoever holds that key can read every session (no forward secrecy)", "RFC 5246 §7.4.7.1"},
	{"compressed_certificate.algorithm", "algorithm", "the compression algorithm", "RFC 8879 §4"},
	{"compressed_certificate.compressed_certificate_message", "compressed certificate message", "the compressed Certificate message", "RFC 8879 §4"},
	{"compressed_certificate.uncompressed_length", "uncompressed length", "the size of the Certificate message once decompressed", "RFC 8879 §4"},
	{"distinguished_name", "distinguished name", "one CA's name, in DER", "RFC 5280 §4.1.2.4"},
	{"ec_point.form", "point format", "4: an uncompressed point, X then Y", "RFC 8446 §4.2.8.2"},
	{"ec_point.x", "X", "the point's x coordinate", "RFC 8446 §4.2.8.2"},
	{"ec_point.y", "Y", "the point's y coordinate", "RFC 8446 §4.2.8.2"},
	{"encrypted_extensions.extensions", "extensions", "answers that do not set up keys, so they can travel encrypted", "RFC 8446 §4.3.1"},
	{"ext", "extension", "one extension, cut by the end of the record: its type is completed in the next", "RFC 8446 §4.2"},
	{"ext.alpn", "ALPN", "the application protocols the client speaks (h2, http/1.1), or the one the server picked", "RFC 7301 §3.1"},
	{"ext.alpn.protocol_name", "protocol", "one protocol name", "RFC 7301 §3.1"},
	{"ext.alpn.protocol_name_list", "protocol names", "the protocols, preferred first", "RFC 7301 §3.1"},
	{"ext.application_settings", "application_settings (ALPS)", "the protocols for which the client sends settings (HTTP/2 SETTINGS) inside the handshake", "draft-vvv-tls-alps §3"},
	{"ext.application_settings.settings", "settings", "the application's settings", "draft-vvv-tls-alps §4"},
	{"ext.application_settings.supported_protocols", "protocols", "ALPN names the client has settings for", "draft-vvv-tls-alps §3"},
	{"ext.certificate_authorities", "certificate_authorities", "the CAs the sender trusts", "RFC 8446 §4.2.4"},
	{"ext.certificate_authorities.authorities", "authorities", "the CA names", "RFC 8446 §4.2.4"},
	{"ext.compress_certificate", "compress_certificate", "the compression algorithms the client accepts for the server's certificates", "RFC 8879 §3"},
	{"ext.compress_certificate.algorithm", "algorithm", "one algorithm: zlib (1), brotli (2), zstd (3)", "RFC 8879 §3"},
	{"ext.compress_certificate.algorithms", "algorithms", "the algorithms", "RFC 8879 §3"},
	{"ext.cookie", "cookie", "a value from a HelloRetryRequest the client sends back", "RFC 8446 §4.2.2"},
	{"ext.cookie.cookie", "cookie", "the server's opaque state", "RFC 8446 §4.2.2"},
	{"ext.delegated_credentials", "delegated_credentials", "the client accepts short-lived credentials signed by the certificate's key", "RFC 9345 §4.1.1"},
	{"ext.delegated_credentials.credential", "delegated credential", "a short-lived key signed by the certificate's key", "RFC 9345 §4"},
	{"ext.early_data", "early_data", "0-RTT: data sent before the handshake ends (replayable)", "RFC 8446 §4.2.10"},
	{"ext.early_data.max_early_data_size", "max early data size", "the most 0-RTT data the server accepts with this ticket", "RFC 8446 §4.2.10"},
	{"ext.ec_point_formats", "ec_point_formats", "the point encodings the sender reads; only uncompressed is used", "RFC 8422 §5.1.2"},
	{"ext.ec_point_formats.format", "point format", "one format", "RFC 8422 §5.1.2"},
	{"ext.ec_point_formats.list", "point formats", "the formats", "RFC 8422 §5.1.2"},
	{"ext.ech_outer_extensions", "ech_outer_extensions", "extensions the inner hello copies from the outer one", "draft-ietf-tls-esni §5.1"},
	{"ext.ech_outer_extensions.list", "extension types", "the copied types", "draft-ietf-tls-esni §5.1"},
	{"ext.ech_outer_extensions.type", "extension type", "one copied type", "draft-ietf-tls-esni §5.1"},
	{"ext.encrypt_then_mac", "encrypt_then_mac", "for CBC suites: MAC the ciphertext, not the plaintext (stops padding oracles)", "RFC 7366 §2"},
	{"ext.encrypted_client_hello", "encrypted_client_hello (ECH)", "the real ClientHello, encrypted to the server's public ECH key, hides the site's name; when the client has no key it sends random bytes of the same shape (GREASE)", "draft-ietf-tls-esni §5"},
	{"ext.encrypted_client_hello.aead_id", "AEAD", "the HPKE cipher", "RFC 9180 §7.3"},
	{"ext.encrypted_client_hello.config_id", "config id", "which of the server's ECH keys was used", "draft-ietf-tls-esni §5"},
	{"ext.encrypted_client_hello.confirmation", "confirmation", "proves the server accepted ECH", "draft-ietf-tls-esni §7.2.1"},
	{"ext.encrypted_client_hello.enc", "enc", "the HPKE encapsulated key", "draft-ietf-tls-esni §5"},
	{"ext.encrypted_client_hello.kdf_id", "KDF", "the HPKE key derivation function", "RFC 9180 §7.2"},
	{"ext.encrypted_client_hello.payload", "payload", "the encrypted inner ClientHello (random bytes when GREASE)", "draft-ietf-tls-esni §5"},
	{"ext.encrypted_client_hello.retry_configs", "retry configs", "the server's ECH keys for a retry", "draft-ietf-tls-esni §7.1"},
	{"ext.encrypted_client_hello.type", "ECH type", "outer (0) carries the encrypted inner ClientHello; inner (1) marks the inner one", "draft-ietf-tls-esni §5"},
	{"ext.encrypted_client_hello.unknown", "ECH data", "an ECH type this analyser does not read", "draft-ietf-tls-esni §5"},
	{"ext.extended_master_secret", "extended_master_secret", "binds the master secret to the whole handshake, against the triple handshake attack", "RFC 7627 §5.1"},
	{"ext.grease", "GREASE extension", "a reserved meaningless extension: servers must ignore it, so ones that choke are found early", "RFC 8701 §3"},
	{"ext.grease.data", "GREASE data", "meaningless bytes", "RFC 8701 §3"},
	{"ext.key_share", "key_share", "ephemeral public keys: the client's guesses, or the server's one share", "RFC 8446 §4.2.8"},
	{"ext.key_share.client_shares", "client shares", "one public key per group the client guessed the server accepts", "RFC 8446 §4.2.8"},
	{"ext.key_share.entry", "key share", "a group and a public key in it", "RFC 8446 §4.2.8"},
	{"ext.key_share.group", "group", "the group of this public key", "RFC 8446 §4.2.8"},
	{"ext.key_share.key_exchange", "key exchange", "the public key bytes (for the hybrid X25519MLKEM768: the ML-KEM part, then X25519)", "RFC 8446 §4.2.8.2"},
	{"ext.key_share.selected_group", "selected group", "the group the server wants a new share in", "RFC 8446 §4.2.8"},
	{"ext.length", "extension length", "how many bytes of extension data follow", "RFC 8446 §4.2"},
	{"ext.oid_filters", "oid_filters", "certificate extension values the server wants in a client certificate", "RFC 8446 §4.2.5"},
	{"ext.oid_filters.filters", "filters", "the filters", "RFC 8446 §4.2.5"},
	{"ext.padding", "padding", "zeros that make the ClientHello a size buggy middleboxes accept", "RFC 7685 §3"},
	{"ext.padding.zeros", "zeros", "padding bytes", "RFC 7685 §3"},
	{"ext.post_handshake_auth", "post_handshake_auth", "the client will answer a CertificateRequest after the handshake", "RFC 8446 §4.2.6"},
	{"ext.pre_shared_key", "pre_shared_key", "resumption: tickets the client offers, or the one the server accepts", "RFC 8446 §4.2.11"},
	{"ext.pre_shared_key.binder", "binder", "one binder", "RFC 8446 §4.2.11.2"},
	{"ext.pre_shared_key.binders", "binders", "MACs proving the client holds each ticket's secret", "RFC 8446 §4.2.11.2"},
	{"ext.pre_shared_key.identities", "identities", "the tickets offered", "RFC 8446 §4.2.11"},
	{"ext.pre_shared_key.identity", "PSK identity", "one ticket and its age", "RFC 8446 §4.2.11"},
	{"ext.pre_shared_key.identity.identity", "identity", "the ticket", "RFC 8446 §4.2.11"},
	{"ext.pre_shared_key.obfuscated_ticket_age", "obfuscated ticket age", "the ticket's age plus ticket_age_add: limits replay", "RFC 8446 §4.2.11.1"},
	{"ext.pre_shared_key.selected_identity", "selected identity", "which offered ticket the server accepts", "RFC 8446 §4.2.11"},
	{"ext.psk_key_exchange_modes", "psk_key_exchange_modes", "how a resumed session gets keys: psk_dhe_ke adds a fresh key exchange (forward secrecy)", "RFC 8446 §4.2.9"},
	{"ext.psk_key_exchange_modes.ke_modes", "modes", "the modes", "RFC 8446 §4.2.9"},
	{"ext.psk_key_exchange_modes.mode", "mode", "one mode", "RFC 8446 §4.2.9"},
	{"ext.record_size_limit", "record_size_limit", "the largest record the sender wants to receive", "RFC 8449 §4"},
	{"ext.record_size_limit.limit", "limit", "bytes of plaintext per record", "RFC 8449 §4"},
	{"ext.renegotiation_info", "renegotiation_info", "secure renegotiation: empty on a first handshake", "RFC 5746 §3.2"},
	{"ext.renegotiation_info.renegotiated_connection", "renegotiated connection", "the previous Finished values; empty at first", "RFC 5746 §3.2"},
	{"ext.server_name", "server_name (SNI)", "the host name the client wants, in the clear, so one server can host many sites", "RFC 6066 §3"},
	{"ext.server_name.host_name", "host name", "the DNS name of the site", "RFC 6066 §3"},
	{"ext.server_name.name_type", "name type", "host_name (0)", "RFC 6066 §3"},
	{"ext.server_name.server_name_list", "server name list", "the names; in practice one host name", "RFC 6066 §3"},
	{"ext.session_ticket", "session_ticket", "TLS 1.2 resumption by ticket: empty asks for one, data presents one", "RFC 5077 §3.2"},
	{"ext.session_ticket.ticket", "ticket", "a ticket from an earlier session", "RFC 5077 §3.2"},
	{"ext.signature_algorithms", "signature_algorithms", "the signature schemes the sender accepts in signatures, preferred first", "RFC 8446 §4.2.3"},
	{"ext.signature_algorithms.list", "signature schemes", "the schemes, preferred first", "RFC 8446 §4.2.3"},
	{"ext.signature_algorithms.scheme", "signature scheme", "one algorithm and hash", "RFC 8446 §4.2.3"},
	{"ext.signature_algorithms_cert", "signature_algorithms_cert", "the schemes the sender accepts in certificates, when they differ", "RFC 8446 §4.2.3"},
	{"ext.signed_certificate_timestamp", "signed_certificate_timestamp", "asks for, or carries, proofs the certificate was logged publicly (Certificate Transparency)", "RFC 6962 §3.3"},
	{"ext.signed_certificate_timestamp.list", "SCT list", "the signed certificate timestamps", "RFC 6962 §3.3"},
	{"ext.signed_certificate_timestamp.sct", "SCT", "one log's signed promise to publish the certificate", "RFC 6962 §3.2"},
	{"ext.status_request", "status_request", "asks the server to staple a fresh OCSP response proving its certificate is not revoked", "RFC 6066 §8"},
	{"ext.status_request.ocsp_response", "OCSP response", "the CA's signed statement that the certificate is good", "RFC 8446 §4.4.2.1"},
	{"ext.status_request.request_extensions", "request extensions", "OCSP request extensions; usually empty", "RFC 6066 §8"},
	{"ext.status_request.responder_id_list", "responder IDs", "OCSP responders the client trusts; empty: any", "RFC 6066 §8"},
	{"ext.status_request.status_type", "status type", "ocsp (1)", "RFC 6066 §8"},
	{"ext.status_request.unknown", "status request", "a status type this analyser does not read", "RFC 6066 §8"},
	{"ext.supported_groups", "supported_groups", "the key exchange groups the client accepts, preferred first", "RFC 8446 §4.2.7"},
	{"ext.supported_groups.group", "group", "one key exchange group", "RFC 8446 §4.2.7"},
	{"ext.supported_groups.named_group_list", "named groups", "the groups, preferred first", "RFC 8446 §4.2.7"},
	{"ext.supported_versions", "supported_versions", "the real TLS versions: the client's list, or the server's choice", "RFC 8446 §4.2.1"},
	{"ext.supported_versions.selected_version", "selected version", "the version the server chose", "RFC 8446 §4.2.1"},
	{"ext.supported_versions.version", "version", "one version", "RFC 8446 §4.2.1"},
	{"ext.supported_versions.versions", "versions", "the versions the client speaks, preferred first", "RFC 8446 §4.2.1"},
	{"ext.trust_anchors", "trust_anchors", "the root CAs the client trusts, by short ids, so the server can pick a certificate chain that ends in one", "draft-ietf-tls-trust-anchor-ids §4.1"},
	{"ext.trust_anchors.id", "trust anchor id", "one root's id: a relative object identifier", "draft-ietf-tls-trust-anchor-ids §3"},
	{"ext.trust_anchors.list", "trust anchor ids", "the ids of the roots", "draft-ietf-tls-trust-anchor-ids §4.1"},
	{"ext.type", "extension type", "which extension this is", "RFC 8446 §4.2"},
	{"ext.unknown", "unknown extension", "an extension this analyser does not know; a peer ignores those it does not know", "RFC 8446 §4.2"},
	{"ext.unknown.data", "extension data", "raw bytes of an unknown extension", "RFC 8446 §4.2"},
	{"finished.verify_data", "verify_data", "a MAC of the transcript with a key from the handshake: tampering shows here", "RFC 8446 §4.4.4"},
	{"handshake.certificate", "Certificate", "the sender's certificate chain, its own first", "RFC 8446 §4.4.2"},
	{"handshake.certificate_request", "CertificateRequest", "the server asks the client for a certificate", "RFC 8446 §4.3.2"},
	{"handshake.certificate_status", "CertificateStatus", "the server staples its CA's OCSP response: proof, signed and dated, that its certificate was not revoked; sent only to a client that asked with status_request", "RFC 6066 §8"},
	{"handshake.certificate_verify", "CertificateVerify", "a signature over the handshake so far: proves the sender holds the certificate's private key", "RFC 8446 §4.4.3"},
	{"handshake.client_hello", "ClientHello", "the client's opening: versions, cipher suites, key shares and wishes, in clear text", "RFC 8446 §4.1.2"},
	{"handshake.client_key_exchange", "ClientKeyExchange", "the client's half of the key exchange: an encrypted pre-master secret (RSA) or its (EC)DH public key", "RFC 5246 §7.4.7"},
	{"handshake.compressed_certificate", "CompressedCertificate", "a Certificate message, compressed", "RFC 8879 §4"},
	{"handshake.encrypted_extensions", "EncryptedExtensions", "the server's answers that need not be in the clear, sent encrypted", "RFC 8446 §4.3.1"},
	{"handshake.end_of_early_data", "EndOfEarlyData", "the client's 0-RTT data ends here", "RFC 8446 §4.5"},
	{"handshake.finished", "Finished", "a MAC over the whole handshake: both sides saw the same messages", "RFC 8446 §4.4.4"},
	{"handshake.fragment", "part of a handshake message", "the middle of a long handshake message; its fields are shown in the record that completes it", "RFC 8446 §5.1"},
	{"handshake.hello_request", "HelloRequest", "the server asks the client to start a new handshake (TLS 1.2 renegotiation)", "RFC 5246 §7.4.1.1"},
	{"handshake.hello_retry_request", "HelloRetryRequest", "a ServerHello with a fixed random: the server asks for a key share in another group", "RFC 8446 §4.1.4"},
	{"handshake.key_update", "KeyUpdate", "the sender switches to fresh traffic keys", "RFC 8446 §4.6.3"},
	{"handshake.length", "message length", "how many bytes of the message follow this 4-byte header (3 bytes: messages may span records)", "RFC 8446 §4"},
	{"handshake.message_hash", "message_hash", "stands for the first ClientHello in the transcript after a HelloRetryRequest", "RFC 8446 §4.4.1"},
	{"handshake.new_session_ticket", "NewSessionTicket", "a ticket the client can show later to resume without a full handshake", "RFC 8446 §4.6.1"},
	{"handshake.server_hello", "ServerHello", "the server's choices: version, cipher suite and its key share", "RFC 8446 §4.1.3"},
	{"handshake.server_hello_done", "ServerHelloDone", "the server's first flight is over; the client's turn", "RFC 5246 §7.4.5"},
	{"handshake.server_key_exchange", "ServerKeyExchange", "the server's ephemeral (EC)DH public key, signed with its certificate's key", "RFC 8422 §5.4"},
	{"handshake.type", "handshake type", "which handshake message this is", "RFC 8446 §4"},
	{"handshake.unknown", "unknown handshake message", "a handshake message type this analyser does not know", "RFC 8446 §4"},
	{"handshake.unknown.body", "message body", "the body of an unknown message, shown raw", "RFC 8446 §4"},
	{"inner.content", "content", "the real content of the record, hidden from the network", "RFC 8446 §5.2"},
	{"inner.padding", "padding", "zero bytes that hide the real length of the content", "RFC 8446 §5.4"},
	{"inner.type", "real content type", "the true content type, inside the encryption so an observer cannot tell handshake from data", "RFC 8446 §5.2"},
	{"inner_plaintext", "TLSInnerPlaintext", "the decrypted record: content, the real content type, then optional zero padding", "RFC 8446 §5.2"},
	{"key_share.key_exchange.data", "key exchange", "the public key bytes", "RFC 8446 §4.2.8"},
	{"key_share.mlkem768_ciphertext", "ML-KEM-768 ciphertext", "1088 bytes: the secret the server encapsulated to the client's key", "FIPS 203 §7.2"},
	{"key_share.mlkem768_encapsulation_key", "ML-KEM-768 encapsulation key", "1184 bytes: the post-quantum public key the server encapsulates a secret to", "FIPS 203 §7.1"},
	{"key_share.x25519", "X25519 public key", "32 bytes: a point on Curve25519", "RFC 7748 §6.1"},
	{"key_update.request_update", "request_update", "1 asks the peer to update its keys too", "RFC 8446 §4.6.3"},
	{"malformed", "malformed", "these bytes do not parse", ""},
	{"message_hash.hash", "hash", "the hash of the first ClientHello", "RFC 8446 §4.4.1"},
	{"new_session_ticket.extensions", "extensions", "extensions for the ticket, such as early_data", "RFC 8446 §4.6.1"},
	{"new_session_ticket.ticket", "ticket", "opaque to the client: the server's encrypted memory of the session", "RFC 8446 §4.6.1"},
	{"new_session_ticket.ticket_age_add", "ticket age add", "a random number that hides the ticket's age when the client uses it", "RFC 8446 §4.6.1"},
	{"new_session_ticket.ticket_lifetime", "ticket lifetime", "how long the ticket may be used, in seconds", "RFC 8446 §4.6.1"},
	{"new_session_ticket.ticket_lifetime_hint", "ticket lifetime hint", "how long the client may keep the ticket, in seconds", "RFC 5077 §3.3"},
	{"new_session_ticket.ticket_nonce", "ticket nonce", "makes each ticket's resumption secret different", "RFC 8446 §4.6.1"},
	{"plaintext", "decrypted fragment", "what the encrypted bytes decrypt to with the logged keys", "RFC 8446 §5.2"},
	{"record", "record", "one TLS record: a 5-byte header, then up to 16 KiB of content", "RFC 8446 §5.1"},
	{"record.length", "record length", "how many bytes of content follow this 5-byte header", "RFC 8446 §5.1"},
	{"record.type", "content type", "what the record carries: handshake (22), alert (21), change_cipher_spec (20) or application_data (23)", "RFC 8446 §5.1"},
	{"record.version", "legacy record version", "a version number kept for old middleboxes: TLS 1.3 writes 0x0303 (TLS 1.2), or 0x0301 in a first ClientHello, and ignores it", "RFC 8446 §5.1"},
	{"server_hello.cipher_suite", "chosen cipher suite", "the one suite the server picked from the client's list", "RFC 8446 §4.1.3"},
	{"server_hello.compression_method", "compression method", "null (0): no compression", "RFC 8446 §4.1.3"},
	{"server_hello.extensions", "extensions", "the server's answers to the client's extensions", "RFC 8446 §4.2"},
	{"server_hello.legacy_session_id_echo", "session ID echo", "the client's session ID sent back (TLS 1.3), or the ID to resume with later (TLS 1.2)", "RFC 8446 §4.1.3"},
	{"server_hello.legacy_version", "legacy version", "TLS 1.2 (0x0303); a TLS 1.3 server names the real version in supported_versions", "RFC 8446 §4.1.3"},
	{"server_hello.random", "server random", "32 random bytes from the server; a fixed value marks a HelloRetryRequest", "RFC 8446 §4.1.3"},
	{"server_key_exchange.algorithm", "signature scheme", "how the parameters are signed", "RFC 5246 §7.4.1.4.1"},
	{"server_key_exchange.curve_type", "curve type", "named_curve (3): the curve is named, not spelled out", "RFC 8422 §5.4"},
	{"server_key_exchange.dh_g", "generator g", "the Diffie-Hellman generator", "RFC 5246 §7.4.3"},
	{"server_key_exchange.dh_p", "prime p", "the Diffie-Hellman prime modulus: its size is the strength of the exchange", "RFC 5246 §7.4.3"},
	{"server_key_exchange.dh_ys", "server public value", "the server's ephemeral Diffie-Hellman public value, g^y mod p", "RFC 5246 §7.4.3"},
	{"server_key_exchange.named_curve", "named curve", "the group of the key exchange", "RFC 8422 §5.4"},
	{"server_key_exchange.params", "key exchange parameters", "the group and the server's ephemeral public key", "RFC 8422 §5.4"},
	{"server_key_exchange.public", "server public key", "the server's ephemeral ECDH public key, used once", "RFC 8422 §5.4"},
	{"server_key_exchange.signature", "signature", "over both randoms and the parameters, with the certificate's key: proves the key is the server's", "RFC 8422 §5.4"},
	{"server_key_exchange.unknown_params", "parameters", "key exchange parameters this analyser does not read", "RFC 5246 §7.4.3"},
	{"tls13.encrypted_record", "encrypted_record", "the encrypted TLSInnerPlaintext: content, real content type and padding", "RFC 8446 §5.2"},
	{"unknown.content", "unknown content", "content of a type this analyser does not know (heartbeat is 24)", "RFC 8446 §5.1"},
}

// rfc12 gives the TLS 1.2 section for kinds whose layout differs by version.
var rfc12 = []pair{
	{"handshake.certificate", "RFC 5246 §7.4.2"},
	{"handshake.certificate_request", "RFC 5246 §7.4.4"},
	{"handshake.new_session_ticket", "RFC 5077 §3.3"},
	{"handshake.finished", "RFC 5246 §7.4.9"},
	{"new_session_ticket.ticket", "RFC 5077 §3.3"},
	{"finished.verify_data", "RFC 5246 §7.4.9"},
}

// lookup finds a kind's info, or its parent's for derived kinds.
func lookup(k string) (info, string, bool) {
	i, found := slices.BinarySearchFunc(kinds, k, func(in info, k string) int { return strings.Compare(in.kind, k) })
	if found {
		return kinds[i], "", true
	}
	for _, suffix := range []string{".length", ".data", ".value", ".grease"} {
		if p, ok := strings.CutSuffix(k, suffix); ok {
			if in, _, ok := lookup(p); ok {
				return in, suffix, true
			}
		}
	}
	return info{}, "", false
}

// describe fills a field's name, explanation and RFC from its kind,
// keeping what is set already.
func describe(f *Field) {
	in, suffix, ok := lookup(f.Kind)
	if !ok {
		return
	}
	name, explain := in.name, in.explain
	switch suffix {
	case ".length":
		name, explain = "length", "how many bytes of "+in.name+" follow"
	case ".grease":
		name, explain = "GREASE "+in.name, "a reserved meaningless value (RFC 8701): peers must ignore it, so ones that choke on unknown values are found early"
	}
	if f.Name == "" {
		f.Name = name
	}
	if f.Explain == "" {
		f.Explain = explain
	}
	if f.RFC == "" {
		f.RFC = in.rfc
		if suffix == ".grease" {
			f.RFC = "RFC 8701 §2"
		}
	}
}

// describeName is a kind's name for messages about it.
func describeName(k string) string {
	f := &Field{Kind: k}
	describe(f)
	if f.Name == "" {
		return k
	}
	return f.Name
}
