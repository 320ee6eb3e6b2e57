package trace

import (
	"strings"
	"sync"
)

// The trace's machine contract. Titles and labels are written for people
// and may be reworded at any time; programs (the page, the terminal
// edition, tests) key only on these ids:
//
//   - Event.Kind: "<actor>.<what it did>", such as "server.sends_certificate"
//     or "client.aborts"; the slug comes from EventKinds.
//   - Value.ID: what the value is, such as "client.random",
//     "server.keyshare.private" or "secret.client_handshake_traffic", from
//     ValueIDs; Value.Side says whose it is ("client", "server" or "both").
//   - KSNode.Side, from the node's id (NodeSide).
//
// The two tables below are the one place that maps today's wording onto
// the ids. A test (contract_test.go in package session) runs every mode
// and attack and fails when an event or a value is missing from them, or
// when two values of one event share an id: rewording a title or a label
// means updating its row here, and the id, which the page uses, stays.
//
// Patterns: a "*" in a title or a label matches any text (the group, the
// hash, the alert name). In an id, "{actor}" is the event's actor and "{*}"
// the text "*" matched, in lower case with every run of other characters
// than letters and digits turned into "_". A side of "{actor}" is the
// event's actor ("both" for an actor that is neither end, such as Mallory).

// EventKind maps an event title onto the slug of its kind.
type EventKind struct {
	Title string // the title, possibly with one "*"
	Slug  string // the kind is actor + "." + Slug
}

// ValueID maps a value label onto its id and side.
type ValueID struct {
	Label string // the label, possibly with one "*"
	Kind  string // the value kind it applies to (KindHex, ...); "" for any
	ID    string // id template: "{actor}" and "{*}" are replaced
	Side  string // "client", "server", "both" or "{actor}"
}

// EventKinds is the table of event kinds.
var EventKinds = []EventKind{
	// Failures (the session's ErrorInfo carries the check that failed).
	{"Aborts the connection with a fatal * alert", "aborts"},
	{"Receives a fatal * alert from the peer and gives up", "receives_fatal_alert"},
	{"LEAKY ORACLE: reports that the padding is wrong", "reports_bad_padding"},
	{"Invalidates the session after the fatal alert", "invalidates_session"},

	// Hellos and negotiation.
	{"Sends ClientHello", "sends_client_hello"},
	{"Sends ClientHello with its key share already inside", "sends_client_hello"},
	{"Sends ClientHello offering its ticket (pre_shared_key)", "sends_client_hello_psk"},
	{"Sends ClientHello offering its ticket with psk_ke: no key share", "sends_client_hello_psk_ke"},
	{"Sends a second ClientHello with a * key share", "sends_second_client_hello"},
	{"Receives ClientHello", "receives_client_hello"},
	{"Receives the second ClientHello", "receives_second_client_hello"},
	{"Chooses the cipher suite", "chooses_suite"},
	{"Chooses suite, group and signature scheme", "chooses_parameters"},
	{"Chooses the suite and resumes with the PSK alone (psk_ke)", "chooses_suite_psk_ke"},
	{"Finds no cipher suite in common", "finds_no_common_suite"},
	{"Finds no TLS 1.3 cipher suite in common", "finds_no_common_suite"},
	{"Finds no key exchange group in common", "finds_no_common_group"},
	{"No usable key share: asks for * with a HelloRetryRequest", "asks_hello_retry"},
	{"Sends HelloRetryRequest", "sends_hello_retry_request"},
	{"Receives HelloRetryRequest: the server wants a key share for *", "receives_hello_retry_request"},
	{"Receives HelloRetryRequest: the server wants its cookie echoed", "receives_hello_retry_cookie"},
	{"Sends ServerHello", "sends_server_hello"},
	{"Sends ServerHello with its own key share", "sends_server_hello"},
	{"Sends ServerHello: resuming with the PSK alone, no key share", "sends_server_hello_psk_ke"},
	{"Sends ServerHello: resuming with the PSK and its own key share", "sends_server_hello_psk_dhe"},
	{"Receives ServerHello", "receives_server_hello"},
	{"Receives ServerHello: the server resumes with the PSK alone (psk_ke)", "receives_server_hello_psk_ke"},
	{"Accepts the server's choice", "accepts_server_choice"},
	{"Accepts the server's choices", "accepts_server_choice"},
	{"Detects a downgrade in ServerHello.random", "detects_downgrade"},
	{"Sends EncryptedExtensions (empty), encrypted", "sends_encrypted_extensions"},
	{"Sends EncryptedExtensions with early_data: it accepts the 0-RTT data", "sends_encrypted_extensions"},
	{"Receives EncryptedExtensions: the first encrypted message", "receives_encrypted_extensions"},

	// Certificates.
	{"Sends its Certificate: the chain, with its public key inside the leaf", "sends_certificate"},
	{"Sends its Certificate, encrypted", "sends_certificate"},
	{"Sends its Certificate, encrypted, with the OCSP response stapled to the leaf", "sends_certificate"},
	{"Receives the server's Certificate", "receives_certificate"},
	{"Sends CertificateStatus: the OCSP response its CA signed, stapled", "sends_certificate_status"},
	{"Receives CertificateStatus: a stapled OCSP response", "receives_certificate_status"},
	{"Verifies the chain locally against its trust store", "verifies_chain"},
	{"Rejects the certificate", "rejects_certificate"},
	{"Checks revocation and transparency beyond path validation", "checks_webpki"},
	{"Refuses the certificate after path validation: revocation or transparency", "refuses_certificate_webpki"},
	{"Receives CertificateRequest: the server asks for a client certificate", "receives_certificate_request"},
	{"Sends an empty Certificate: it has no client certificate", "sends_empty_certificate"},
	{"Signs the transcript with its private key: CertificateVerify", "sends_certificate_verify"},
	{"Checks CertificateVerify: the server signed the handshake with its private key", "checks_certificate_verify"},

	// Key exchange and key schedule.
	{"Makes an ephemeral * key pair, signs the public key with the certificate's key and sends ServerKeyExchange", "sends_server_key_exchange"},
	{"Receives ServerKeyExchange and checks its signature with the certificate's public key", "receives_server_key_exchange"},
	{"Sends ServerHelloDone: its turn is over", "sends_server_hello_done"},
	{"Receives ServerHelloDone: the server's flight is complete", "receives_server_hello_done"},
	{"Encrypts the pre-master secret with the server's public key and sends ClientKeyExchange", "sends_client_key_exchange"},
	{"Makes its own ephemeral key pair, computes the shared secret and sends its public key in ClientKeyExchange", "sends_client_key_exchange_ecdhe"},
	{"Decrypts the pre-master secret with its private key", "decrypts_pre_master"},
	{"Receives the client's ephemeral public key and computes the same shared secret", "receives_client_key_exchange_ecdhe"},
	{"Computes the shared secret from its private key and the server's key share", "computes_shared_secret"},
	{"Computes the shared secret from the client's key share", "computes_shared_secret"},
	{"Derives the master secret and the session keys with the TLS 1.2 PRF (*)", "derives_master_secret"},
	{"Derives the session keys from the resumed master secret and the new randoms (*)", "derives_resumed_keys"},
	{"Derives the handshake keys (HKDF, *): everything after ServerHello is encrypted", "derives_handshake_keys"},
	{"Derives the application traffic secrets", "derives_application_secrets"},
	{"Runs the key schedule from the PSK", "runs_key_schedule_psk"},
	{"Runs the key schedule: handshake secret, then both handshake traffic secrets", "runs_key_schedule"},
	{"Stops at the handshake secret: psk_dhe_ke", "stops_at_handshake_secret"},
	{"psk_ke: no key share, so the PSK gives every key", "psk_ke_keys"},
	{"Erases its ephemeral private key and the shared secret", "erases_ephemeral"},
	{"Erases the key shares the server did not take", "erases_unused_key_shares"},
	{"Erases the pre-master secret", "erases_pre_master"},

	// Finished and the end of the handshake.
	{"Sends ChangeCipherSpec, then its Finished, the first encrypted message", "sends_finished"},
	{"Sends ChangeCipherSpec and its Finished: the connection is established", "sends_finished"},
	{"Sends ChangeCipherSpec and its Finished first: in an abbreviated handshake the server finishes first", "sends_finished"},
	{"Sends its Finished", "sends_finished"},
	{"Sends its Finished and switches to the application keys", "sends_finished"},
	{"Receives ChangeCipherSpec: from now on the peer's records are encrypted", "receives_change_cipher_spec"},
	{"Ignores a ChangeCipherSpec record (sent only for middlebox compatibility in TLS 1.3)", "ignores_change_cipher_spec"},
	{"Receives the server's Finished and checks it", "receives_finished"},
	{"Receives the client's Finished and checks it", "receives_finished"},
	{"Handshake complete: the connection is established", "handshake_complete"},
	{"Handshake complete: the session is resumed", "handshake_complete_resumed"},

	// Application data, key updates, closure.
	{"Encrypts and sends application data", "sends_application_data"},
	{"Receives, authenticates and decrypts application data", "receives_application_data"},
	{"Sends KeyUpdate and moves its write key to the next generation", "sends_key_update"},
	{"Receives KeyUpdate and moves its read key to the next generation", "receives_key_update"},
	{"Sends close_notify and discards its keys", "sends_close_notify"},
	{"Receives close_notify: the peer will send nothing more", "receives_close_notify"},
	{"Receives HelloRequest and declines to renegotiate: sends a no_renegotiation warning", "declines_renegotiation"},
	{"Receives a ClientHello on the established connection and declines to renegotiate: sends a no_renegotiation warning", "declines_renegotiation"},
	{"Ignores a HelloRequest: a handshake is already under way", "ignores_hello_request"},

	// Resumption and early data.
	{"Seals the session into a ticket and sends NewSessionTicket", "sends_new_session_ticket"},
	{"Sends a NewSessionTicket: the client may resume this session later", "sends_new_session_ticket"},
	{"Receives NewSessionTicket and keeps the ticket", "receives_new_session_ticket"},
	{"Receives a NewSessionTicket and keeps it to resume later", "receives_new_session_ticket"},
	{"Stores the session in its session cache", "caches_session"},
	{"Opens the ticket and checks the PSK binder", "opens_ticket"},
	{"Resumes the session by its *", "resumes_session"},
	{"Resumes the session: the ticket's PSK replaces the certificate", "resumes_session"},
	{"The server resumes the session: abbreviated handshake", "learns_session_resumed"},
	{"The server does not resume: a full handshake follows", "learns_full_handshake"},
	{"Sees that the server did not take the ticket", "learns_full_handshake"},
	{"Cannot resume: falls back to a full handshake", "cannot_resume"},
	{"Cannot resume with the offered ticket: a full handshake instead", "cannot_resume"},
	{"Cannot resume a session without the extended master secret: falls back to a full handshake", "cannot_resume"},
	{"Refuses to resume a session without the extended master secret it had", "refuses_resumption"},
	{"Does not offer its ticket: a full handshake", "does_not_offer_ticket"},
	{"Drops its ticket offer after the HelloRetryRequest: a full handshake follows", "drops_ticket_offer"},
	{"Finds no ticket in the ClientHello", "finds_no_ticket"},
	{"Sends 0-RTT early data right behind the ClientHello, before any answer", "sends_early_data"},
	{"Receives and decrypts 0-RTT early data, before the handshake is over", "receives_early_data"},
	{"Accepts the client's 0-RTT data", "accepts_early_data"},
	{"Declines the client's early data (0-RTT)", "declines_early_data"},
	{"Refuses the client's 0-RTT data: the handshake goes on in 1-RTT", "declines_early_data"},
	{"Skips a 0-RTT early data record it cannot decrypt", "skips_early_data"},
	{"The server accepted the 0-RTT data (early_data in EncryptedExtensions)", "learns_early_data_accepted"},
	{"The server refused the 0-RTT data: it must be sent again after the handshake", "learns_early_data_refused"},
	{"Sends EndOfEarlyData: no more 0-RTT data", "sends_end_of_early_data"},
	{"Receives EndOfEarlyData: the client's next records use its handshake key", "receives_end_of_early_data"},

	// Mallory.
	{"Is refused: the client does not trust her certificate", "refused"},
	{"Sits in the middle: two sessions, two sets of keys", "sits_in_the_middle"},
	{"Reads the *'s message and forwards it", "relays_message"},
	{"Strips TLS 1.3 from the ClientHello on the way", "strips_tls13"},

	// Eve, who holds a leaked key and a recording.
	{"Reads the clear part of the recording", "reads_recording"},
	{"Reads the hellos (everything after them is encrypted)", "reads_hellos"},
	{"Looks for the ticket in the first connection", "looks_for_ticket"},
	{"Finds no ticket on the wire", "finds_no_ticket"},
	{"Finds the ticket on the wire and opens it with the leaked ticket key", "opens_ticket"},
	{"Reads the ticket in the clear in the ClientHello and opens it with the leaked ticket key", "opens_ticket"},
	{"Opens a recorded token with the leaked token key", "opens_token"},
	{"Opens the recorded token with the key", "opens_token"},
	{"Decrypts the ClientKeyExchange with the leaked key", "decrypts_pre_master"},
	{"Decrypts the ClientKeyExchange with the leaked private key", "decrypts_pre_master"},
	{"Makes the server's ephemeral key again from the seed", "remakes_ephemeral"},
	{"Makes the server's ephemeral key again from the seed, and the shared secret", "remakes_ephemeral"},
	{"Makes the server's key share again from the seed", "remakes_ephemeral"},
	{"Derives the master secret from the pre-master secret and the two randoms", "derives_master_secret"},
	{"Derives the master secret (extended: she hashes the recorded handshake herself)", "derives_master_secret"},
	{"Expands the key block: she now has both write keys", "expands_key_block"},
	{"Derives the application traffic secrets from the decrypted handshake", "derives_application_secrets"},
	{"Decrypts the recording with the keys she derived", "decrypts_recording"},
	{"Decrypts every recorded record", "decrypts_recording"},
	{"Gives up: RSA key transport", "gives_up"},
	{"Gives up: the key exchange was ephemeral (*", "gives_up"},
	{"Gives up: this is TLS 1.3", "gives_up"},
}

// ValueIDs is the table of value ids.
var ValueIDs = []ValueID{
	// Hellos, negotiation.
	{"Random", "", "hello_retry.random", "server"}, // the fixed random that marks a HelloRetryRequest
	{"Client random", "", "client.random", "client"},
	{"Server random", "", "server.random", "server"},
	{"Version", "", "{actor}.version", "{actor}"},
	{"Versions", "", "{actor}.versions", "{actor}"},
	{"Legacy session ID", "", "{actor}.legacy_session_id", "{actor}"},
	{"Session ID", "", "session.id", "server"},
	{"Extensions", "", "{actor}.extensions", "{actor}"},
	{"Server name (SNI)", "", "client.server_name", "client"},
	{"Server name asked for", "", "client.server_name", "client"},
	{"Offered cipher suites", "", "client.suites", "client"},
	{"Client offers suites", "", "client.suites", "client"},
	{"Client offers", "", "client.offers", "client"},
	{"Server enables suites", "", "server.suites", "server"},
	{"Server enables", "", "server.enables", "server"},
	{"Supported groups", "", "client.groups", "client"},
	{"Client's groups", "", "client.groups", "client"},
	{"Server accepts groups", "", "server.groups", "server"},
	{"Client sent key shares for", "", "client.keyshare.groups", "client"},
	{"Shared", "", "negotiation.shared", "both"},
	{"Not usable here", "", "negotiation.unusable", "{actor}"},
	{"Common suite", "", "negotiation.common_suite", "server"},
	{"Rule", "", "negotiation.rule", "server"},
	{"Suite rule", "", "negotiation.rule", "server"},
	{"Chosen", "", "negotiation.chosen", "server"},
	{"Chosen suite", "", "negotiation.suite", "server"},
	{"Suite", "", "negotiation.suite", "both"},
	{"Suite was offered", "", "negotiation.suite_offered", "client"},
	{"Chosen group", "", "negotiation.group", "server"},
	{"Group", "", "negotiation.group", "both"},
	{"Requested group", "", "negotiation.requested_group", "server"},
	{"Group was offered, with a key share", "", "negotiation.group_offered", "client"},
	{"Signature scheme", "", "negotiation.signature_scheme", "server"},
	{"Key exchange", "", "negotiation.key_exchange", "both"},
	{"Key exchange mode", "", "psk.key_exchange_mode", "both"},
	{"Record protection", "", "negotiation.record_protection", "both"},
	{"PRF hash", "", "negotiation.prf_hash", "both"},
	{"Extended master secret", "", "ems.check", "{actor}"},
	{"Downgrade check", "", "downgrade.check", "client"},
	{"No downgrade sentinel", "", "downgrade.sentinel_check", "client"},
	{"ClientHello as the server receives it", "", "client.hello.received", "client"},

	// Certificates and their checks.
	{"Chain length", "", "cert.chain.length", "server"},
	{"Chain", "", "cert.chain", "server"},
	{"Leaf certificate", "", "cert.leaf", "server"},
	{"Leaf certificate (PEM)", "", "cert.leaf.pem", "server"},
	{"Leaf certificate (unparsable)", "", "cert.leaf.raw", "server"},
	{"Certificate * (PEM)", "", "cert.chain.{*}.pem", "server"},
	{"Certificate * (unparsable)", "", "cert.chain.{*}.raw", "server"},
	{"Certificate *", "", "cert.chain.{*}", "server"},
	{"Public key", "", "server.public_key", "server"},
	{"Public key: modulus n", "", "server.public_key.modulus", "server"},
	{"Public key: exponent e", "", "server.public_key.exponent", "server"},
	{"Server public key", "", "server.public_key", "server"},
	{"Server public key: modulus n", "", "server.public_key.modulus", "server"},
	{"Server public key: exponent e", "", "server.public_key.exponent", "server"},
	{"trusted root", "", "x509.trusted_root", "client"},
	{"host name", "", "x509.host_name", "client"},
	{"key usage", "", "x509.key_usage", "client"},
	{"extended key usage", "", "x509.extended_key_usage", "client"},
	{"basic constraints", "", "x509.basic_constraints", "client"},
	{"key strength", "", "x509.key_strength", "client"},
	{"certificate status", "", "x509.certificate_status", "client"},
	{"signature on *", "", "x509.signature.{*}", "client"},
	{"validity of *", "", "x509.validity.{*}", "client"},
	{"Verified path", "", "x509.verified_path", "client"},
	{"crypto/x509 says", "", "x509.verdict", "client"},
	{"Stapled OCSP response", "", "server.ocsp_response", "server"},
	{"stapled OCSP response", "", "webpki.ocsp.stapled", "client"},
	{"OCSP response", "", "server.ocsp_response", "server"},
	{"OCSP response parses", "", "webpki.ocsp.parses", "client"},
	{"OCSP signature", "", "webpki.ocsp.signature", "client"},
	{"OCSP response is for this certificate", "", "webpki.ocsp.subject", "client"},
	{"OCSP response is current", "", "webpki.ocsp.current", "client"},
	{"SCT *", "", "webpki.sct.{*}", "client"},
	{"Certificate Transparency policy", "", "webpki.ct_policy", "client"},
	{"Signature", KindCheck, "signature.check", "client"},
	{"Signature", KindHex, "signature.value", "server"},
	{"Signature", KindText, "signature.scheme", "server"},
	{"Signature verifies with the certificate's public key", "", "signature.check", "client"},
	{"Signed content", "", "signature.signed", "server"},
	{"Signed data", "", "signature.signed", "server"},

	// Key exchange.
	{"Key share", "", "{actor}.keyshare", "{actor}"},
	{"Key share (*)", "", "{actor}.keyshare.public", "{actor}"},
	{"Client key share", "", "client.keyshare.public", "client"},
	{"Server key share", "", "server.keyshare.public", "server"},
	{"Server key share (*)", "", "server.keyshare.public", "server"},
	{"Ephemeral private key (*)", "", "{actor}.keyshare.private", "{actor}"},
	{"Client ephemeral public key", "", "client.keyshare.public", "client"},
	{"Client ephemeral private key", "", "client.keyshare.private", "client"},
	{"Server ephemeral public key", "", "server.keyshare.public", "server"},
	{"Server ephemeral private key", "", "server.keyshare.private", "server"},
	{"Client private key", "", "client.keyshare.private", "client"},
	{"Server private key", "", "server.keyshare.private", "server"},
	{"Shared secret", "", "secret.shared", "both"},
	{"Pre-master secret", "", "secret.pre_master", "both"},
	{"Encrypted pre-master secret", "", "client.pre_master.encrypted", "client"},
	{"Padded block EM", "", "server.pre_master.padded", "server"},

	// Secrets and keys.
	{"Master secret", "", "secret.master", "both"},
	{"Session hash", "", "secret.session_hash", "both"},
	{"Key block", "", "secret.key_block", "both"},
	{"client_write_key", "", "client.write_key", "client"},
	{"server_write_key", "", "server.write_key", "server"},
	{"client_write_IV", "", "client.write_iv", "client"},
	{"server_write_IV", "", "server.write_iv", "server"},
	{"Early secret", "", "secret.early", "both"},
	{"Handshake secret", "", "secret.handshake", "both"},
	{"binder_key", "", "secret.binder_key", "both"},
	{"client_early_traffic_secret", "", "secret.client_early_traffic", "client"},
	{"client_handshake_traffic_secret", "", "secret.client_handshake_traffic", "client"},
	{"server_handshake_traffic_secret", "", "secret.server_handshake_traffic", "server"},
	{"client_application_traffic_secret_0", "", "secret.client_application_traffic", "client"},
	{"server_application_traffic_secret_0", "", "secret.server_application_traffic", "server"},
	{"resumption_master_secret", "", "secret.resumption_master", "both"},
	{"Old client traffic secret", "", "secret.client_application_traffic", "client"},
	{"Old server traffic secret", "", "secret.server_application_traffic", "server"},
	{"New client traffic secret", "", "secret.client_application_traffic.next", "client"},
	{"New server traffic secret", "", "secret.server_application_traffic.next", "server"},
	{"Client early key", "", "client.early.key", "client"},
	{"Client early IV", "", "client.early.iv", "client"},
	{"Client handshake key", "", "client.handshake.key", "client"},
	{"Client handshake IV", "", "client.handshake.iv", "client"},
	{"Server handshake key", "", "server.handshake.key", "server"},
	{"Server handshake IV", "", "server.handshake.iv", "server"},
	{"Client application key", "", "client.application.key", "client"},
	{"Client application IV", "", "client.application.iv", "client"},
	{"Server application key", "", "server.application.key", "server"},
	{"Server application IV", "", "server.application.iv", "server"},
	{"client finished_key", "", "client.finished_key", "client"},
	{"server finished_key", "", "server.finished_key", "server"},
	{"Server finished_key", "", "server.finished_key", "server"},
	{"Binder finished_key", "", "psk.binder_finished_key", "both"},
	{"Transcript hash", "", "transcript.hash", "both"},
	{"Transcript hash (*)", "", "transcript.hash.{*}", "both"},
	{"Read key", "", "{actor}.read_key", "{actor}"},
	{"Update requested from the peer", "", "key_update.requested", "{actor}"},

	// Finished.
	{"Client verify_data", "", "client.verify_data", "client"},
	{"Server verify_data", "", "server.verify_data", "server"},
	{"Expected verify_data", "", "finished.expected", "{actor}"},
	{"Received verify_data", "", "finished.received", "{actor}"},
	{"Finished matches", "", "finished.check", "{actor}"},
	{"Finished record on the wire", "", "record.finished", "{actor}"},

	// Records.
	{"Record on the wire", "", "record.wire", "{actor}"},
	{"ChangeCipherSpec record", "", "record.change_cipher_spec", "{actor}"},
	{"Record received", "", "record.received", "{actor}"},
	{"Plaintext", "", "record.plaintext", "{actor}"},
	{"Decrypted", "", "record.decrypted", "{actor}"},
	{"Sequence number", "", "record.sequence", "{actor}"},
	{"Nonce", "", "record.nonce", "{actor}"},
	{"Additional data", "", "record.aad", "{actor}"},
	{"Ciphertext", "", "record.ciphertext", "{actor}"},
	{"Tag", "", "record.tag", "{actor}"},
	{"AEAD tag", "", "record.tag_check", "{actor}"},
	{"GCM tag", "", "record.tag_check", "{actor}"},

	// Failures and erasure.
	{"Error", "", "error.message", "{actor}"},
	{"Alert", "", "alert.sent", "{actor}"},
	{"Keys", "", "erase.keys", "{actor}"},
	{"Key object", "", "erase.key_objects", "{actor}"},
	{"Key objects", "", "erase.key_objects", "{actor}"},
	{"Overwritten with zeros", "", "erase.zeroed", "{actor}"},
	{"Zeroed", "", "erase.zeroed", "{actor}"},

	// Tickets, PSK, early data.
	{"Ticket", "", "ticket.value", "{actor}"},
	{"Ticket (PSK identity)", "", "ticket.identity", "client"},
	{"Ticket offered", "", "ticket.offered", "client"},
	{"Ticket opens", "", "ticket.opens", "server"},
	{"Ticket key", "", "ticket.key", "server"},
	{"Key name", "", "ticket.key_name", "server"},
	{"Lifetime", "", "ticket.lifetime", "server"},
	{"Lifetime hint", "", "ticket.lifetime", "server"},
	{"ticket_lifetime", "", "ticket.lifetime", "server"},
	{"ticket_age_add", "", "ticket.age_add", "server"},
	{"ticket_nonce", "", "ticket.nonce", "server"},
	{"Ticket age", "", "ticket.age", "server"},
	{"Ticket age reported by the client", "", "ticket.age_reported", "server"},
	{"obfuscated_ticket_age", "", "psk.obfuscated_ticket_age", "client"},
	{"Still valid", "", "ticket.still_valid", "server"},
	{"Master secret inside", "", "ticket.master_secret", "server"},
	{"Master secret sealed inside", "", "ticket.master_secret", "server"},
	{"Cached master secret", "", "session.cached_master_secret", "server"},
	{"Session", "", "session.invalidated", "server"},
	{"Max early data", "", "ticket.max_early_data", "server"},
	{"Same server name", "", "resumption.same_server_name", "server"},
	{"Same suite", "", "resumption.same_suite", "server"},
	{"Suite still offered", "", "resumption.suite_offered", "server"},
	{"Resumed by", "", "resumption.by", "both"},
	{"Resumes", "", "resumption.resumes", "both"},
	{"Skipped", "", "resumption.skipped", "both"},
	{"Resumption PSK", "", "secret.resumption_psk", "both"},
	{"Resumption PSK (from the ticket)", "", "secret.resumption_psk", "both"},
	{"PSK binder", "", "psk.binder", "client"},
	{"Expected binder", "", "psk.binder.expected", "server"},
	{"Received binder", "", "psk.binder.received", "server"},
	{"Binder matches", "", "psk.binder.check", "server"},
	{"Selected identity", "", "psk.selected_identity", "server"},
	{"pre_shared_key", "", "hello.pre_shared_key", "{actor}"},
	{"psk_key_exchange_modes", "", "hello.psk_key_exchange_modes", "{actor}"},
	{"session_ticket", "", "hello.session_ticket", "{actor}"},
	{"0-RTT data accepted", "", "early_data.accepted", "both"},
	{"Anti-replay", "", "early_data.anti_replay", "server"},
	{"Not forward secret, replayable", "", "early_data.caveat", "both"},

	// Mallory in the middle.
	{"What stopped her", "", "mallory.stopped_by", "both"},
	{"Alert the client sent", "", "alert.sent", "client"},
	{"Left session", "", "mitm.left.session", "both"},
	{"Right session", "", "mitm.right.session", "both"},
	{"Left master secret", "", "mitm.left.master_secret", "both"},
	{"Right master secret", "", "mitm.right.master_secret", "both"},
	{"Decrypted with her keys", "", "mallory.decrypted", "both"},
	{"Rewritten", "", "mallory.rewritten", "both"},
	{"Removed", "", "mallory.removed", "both"},

	// Less common: client certificates, cookies, eve's view, the leaky oracle.
	{"Cipher suite", "", "negotiation.suite", "both"},
	{"Signature schemes", "", "{actor}.signature_schemes", "{actor}"},
	{"Signature schemes the server accepts", "", "server.signature_schemes", "server"},
	{"Cookie", "", "hello.cookie", "server"},
	{"Client certificate", "", "client.certificate", "client"},
	{"certificate_request_context", "", "hello.certificate_request_context", "server"},
	{"early_data", "", "hello.early_data", "{actor}"},
	{"Mode", "", "psk.key_exchange_mode", "both"},
	{"Session ID offered", "", "session.id.offered", "client"},
	{"Session ID received", "", "session.id.received", "client"},
	{"Ticket (pre_shared_key identity)", "", "ticket.identity", "client"},
	{"Ticket opened", "", "ticket.opened", "both"},
	{"The PSK", "", "secret.resumption_psk", "both"},
	{"Seen before", "", "early_data.seen_before", "server"},
	{"Skipped so far", "", "early_data.skipped", "server"},
	{"1-RTT data decrypted", "", "eve.decrypted_1rtt", "both"},
	{"PKCS#1 v1.5 padding", "", "rsa.padding_check", "server"},
	{"What it leaks", "", "note.leak", "server"},
	{"RSA decryption", "", "rsa.decryption", "server"},
	{"Shared secret (pre-master secret)", "", "secret.pre_master", "both"},
	{"Same key share as on the wire", "", "eve.same_keyshare", "both"},
	{"Same public key as on the wire", "", "eve.same_public_key", "both"},
	{"Server seed", "", "eve.server_seed", "server"},
	{"Token", "", "eve.token", "both"},
	{"Token opened", "", "eve.token_opened", "both"},
	{"Client bytes inside", "", "eve.client_bytes", "client"},
	{"Records decrypted", "", "eve.records_decrypted", "both"},
	{"Session decrypted", "", "eve.session_decrypted", "both"},
	{"The session survives", "", "note.session_survives", "both"},
	{"This client", "", "note.this_client", "client"},
	{"Answer", "", "note.answer", "{actor}"},
	{"Problems", "", "note.problems", "{actor}"},
	{"Done", "", "note.done", "{actor}"},
	{"Record", "", "record.wire", "{actor}"},
	{"Record *", "", "record.{*}", "{actor}"},
	{"ClientHello", "", "message.client_hello", "client"},
	{"ServerHello", "", "message.server_hello", "server"},
	{"NewSessionTicket", "", "message.new_session_ticket", "server"},
	{"HelloRequest", "", "message.hello_request", "server"},

	// Notes for people.
	{"Why", "", "note.why", "{actor}"},
	{"What it means", "", "note.meaning", "{actor}"},
	{"Caution", "", "note.caution", "{actor}"},
	{"Countermeasure", "", "note.countermeasure", "{actor}"},
	{"Forward secrecy", "", "note.forward_secrecy", "{actor}"},
	{"Secrecy", "", "note.secrecy", "{actor}"},
	{"Next", "", "note.next", "{actor}"},
	{"This page", "", "note.this_page", "{actor}"},
	{"What Go cannot promise", "", "note.go_limits", "{actor}"},
	{"What a leak of the ticket key means", "", "note.ticket_key_leak", "{actor}"},
}

// contract holds the tables compiled: exact titles and labels in maps, the
// patterns in order. Built on first use, not at init.
type contract struct {
	kinds     map[string]string
	kindGlobs []EventKind
	values    map[string][]ValueID
	valueGlob []ValueID
}

var (
	compiled     contract
	compiledOnce sync.Once
)

func tables() *contract {
	compiledOnce.Do(func() {
		c := &compiled
		c.kinds = make(map[string]string, len(EventKinds))
		for _, k := range EventKinds {
			if strings.Contains(k.Title, "*") {
				c.kindGlobs = append(c.kindGlobs, k)
			} else {
				c.kinds[k.Title] = k.Slug
			}
		}
		c.values = make(map[string][]ValueID, len(ValueIDs))
		for _, v := range ValueIDs {
			if strings.Contains(v.Label, "*") {
				c.valueGlob = append(c.valueGlob, v)
			} else {
				c.values[v.Label] = append(c.values[v.Label], v)
			}
		}
	})
	return &compiled
}

// match reports whether s matches pattern (at most one "*") and what the
// "*" matched.
func match(pattern, s string) (string, bool) {
	before, after, ok := strings.Cut(pattern, "*")
	if !ok {
		return "", pattern == s
	}
	if len(s) < len(before)+len(after) || !strings.HasPrefix(s, before) || !strings.HasSuffix(s, after) {
		return "", false
	}
	return s[len(before) : len(s)-len(after)], true
}

// KindOf returns the kind of an event with this actor and title, or "" when
// the title is not in EventKinds.
func KindOf(actor, title string) string {
	c := tables()
	if slug, ok := c.kinds[title]; ok {
		return actor + "." + slug
	}
	for _, k := range c.kindGlobs {
		if _, ok := match(k.Title, title); ok {
			return actor + "." + k.Slug
		}
	}
	return ""
}

// IDOf returns the id and side of a value of kind with this label in an
// event of actor, or "" and "" when the label is not in ValueIDs.
func IDOf(actor, label, kind string) (id, side string) {
	c := tables()
	for _, v := range c.values[label] {
		if v.Kind == "" || v.Kind == kind {
			return fill(v.ID, actor, ""), sideOf(v.Side, actor)
		}
	}
	for _, v := range c.valueGlob {
		if v.Kind != "" && v.Kind != kind {
			continue
		}
		if star, ok := match(v.Label, label); ok {
			return fill(v.ID, actor, star), sideOf(v.Side, actor)
		}
	}
	return "", ""
}

func fill(tmpl, actor, star string) string {
	if strings.Contains(tmpl, "{actor}") {
		tmpl = strings.ReplaceAll(tmpl, "{actor}", actor)
	}
	if strings.Contains(tmpl, "{*}") {
		tmpl = strings.ReplaceAll(tmpl, "{*}", slug(star))
	}
	return tmpl
}

// slug is s in lower case with each run of other characters than ASCII
// letters and digits turned into one "_", trimmed.
func slug(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		} else {
			under = true
		}
	}
	return b.String()
}

func sideOf(side, actor string) string {
	if side != "{actor}" {
		return side
	}
	if actor == Client || actor == Server {
		return actor
	}
	return "both"
}

// Annotate fills in the kind of ev and the id and side of each of its
// values (NewEvent calls it; events decoded from elsewhere may need it).
// Answers are remembered: a handshake asks the same few dozen questions
// every time, and the trace is on the engine's hot path (issue 9). An
// event seen before with the same title, from the same actor, is answered
// in one look-up: each value whose label and kind are those at its place
// the first time takes the id and side found then; any other is looked up
// by its label.
func Annotate(ev *Event) {
	if a := memo.event(ev.Actor, ev.Title); a != nil {
		ev.Kind = a.kind
		for i := range ev.Values {
			v := &ev.Values[i]
			if i < len(a.values) && a.values[i].label == v.Label && a.values[i].kind == v.Kind {
				v.ID, v.Side = a.values[i].id, a.values[i].side
			} else {
				v.ID, v.Side = memo.id(ev.Actor, v.Label, v.Kind)
			}
		}
		return
	}
	ev.Kind = memo.kind(ev.Actor, ev.Title)
	a := &eventAnswer{actor: ev.Actor, kind: ev.Kind, values: make([]idAnswer, len(ev.Values))}
	for i := range ev.Values {
		v := &ev.Values[i]
		v.ID, v.Side = memo.id(ev.Actor, v.Label, v.Kind)
		a.values[i] = idAnswer{label: v.Label, kind: v.Kind, id: v.ID, side: v.Side}
	}
	memo.keepEvent(ev.Title, a)
}

// memoLimit bounds what the memo keeps (labels with a number in them, such
// as eve's "Record 12", are many); past it, answers are computed each time.
const memoLimit = 4096

// kindAnswer is KindOf's answer for a title from one actor.
type kindAnswer struct{ actor, kind string }

// idAnswer is IDOf's answer for a label from one actor (by label) or at
// one place of an event (in an eventAnswer), of one kind.
type idAnswer struct{ actor, label, kind, id, side string }

// eventAnswer is what Annotate found for an event of one actor and title:
// its kind, and its values' answers in order. It does not change once kept.
type eventAnswer struct {
	actor, kind string
	values      []idAnswer
}

// memoTable remembers KindOf's and IDOf's answers, by title and by label
// (a map keyed by one string is the runtime's fast path), each with the
// few actors and kinds it was asked for, and whole events' answers by
// title.
type memoTable struct {
	sync.RWMutex
	n      int // answers kept, at most memoLimit
	kinds  map[string][]kindAnswer
	ids    map[string][]idAnswer
	events map[string][]*eventAnswer
}

var memo = &memoTable{kinds: map[string][]kindAnswer{}, ids: map[string][]idAnswer{}, events: map[string][]*eventAnswer{}}

// event returns the answer kept for an event of actor with title, or nil.
func (m *memoTable) event(actor, title string) *eventAnswer {
	m.RLock()
	defer m.RUnlock()
	for _, a := range m.events[title] {
		if a.actor == actor {
			return a
		}
	}
	return nil
}

// keepEvent keeps the answer for an event with title (the first one only).
func (m *memoTable) keepEvent(title string, a *eventAnswer) {
	m.Lock()
	defer m.Unlock()
	for _, b := range m.events[title] {
		if b.actor == a.actor {
			return
		}
	}
	if m.n < memoLimit {
		m.events[title] = append(m.events[title], a)
		m.n++
	}
}

func (m *memoTable) kind(actor, title string) string {
	m.RLock()
	for _, a := range m.kinds[title] {
		if a.actor == actor {
			m.RUnlock()
			return a.kind
		}
	}
	m.RUnlock()
	got := KindOf(actor, title)
	m.Lock()
	if m.n < memoLimit {
		m.kinds[title] = append(m.kinds[title], kindAnswer{actor, got})
		m.n++
	}
	m.Unlock()
	return got
}

func (m *memoTable) id(actor, label, kind string) (string, string) {
	m.RLock()
	for _, a := range m.ids[label] {
		if a.actor == actor && a.kind == kind {
			m.RUnlock()
			return a.id, a.side
		}
	}
	m.RUnlock()
	id, side := IDOf(actor, label, kind)
	m.Lock()
	if m.n < memoLimit {
		m.ids[label] = append(m.ids[label], idAnswer{actor: actor, label: label, kind: kind, id: id, side: side})
		m.n++
	}
	m.Unlock()
	return id, side
}

// NodeSide says whose secret a key schedule node is, from its id: "c_…"
// and "client_…" are the client's, "s_…" and "server_…" the server's, the
// rest both sides'.
func NodeSide(id string) string {
	switch {
	case strings.HasPrefix(id, "c_"), strings.HasPrefix(id, "client_"):
		return Client
	case strings.HasPrefix(id, "s_"), strings.HasPrefix(id, "server_"):
		return Server
	}
	return "both"
}
