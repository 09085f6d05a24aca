//! TLS for the desk↔hub link (rustls on ring), used by both ends.
//!
//! The hub has one key and certificate: self-signed by `hub tls init`, or
//! issued by the ministry's CA. A desk trusts the hub in one of two ways,
//! chosen at enrolment and kept in its store:
//!
//! - **a pin**: the SHA-256 of the hub's public key (its certificate's
//!   SubjectPublicKeyInfo), which the operator reads off `hub tls init` or
//!   `hub enroll-code` and gives the desk with the code. Only a server
//!   holding that key completes the handshake; the name in the certificate
//!   and its dates are not looked at (the key is the identity), so a hub
//!   reached by any address works, and a renewed certificate on the same
//!   key too.
//! - **a CA**: the usual web PKI check against one CA certificate (name,
//!   dates, chain).
//!
//! Plain HTTP is allowed to a loopback address only (a hub on the same
//! machine, and the tests).

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

pub use crate::protocol::{Fingerprint, HubTrust};

/// The fingerprint of a DER certificate's SubjectPublicKeyInfo.
pub fn fingerprint_of_certificate(der: &[u8]) -> Option<Fingerprint> {
    spki_of_certificate(der).map(|spki| Fingerprint(Sha256::digest(spki).into()))
}

/// One DER element read off the front of some bytes.
struct Element<'a> {
    tag: u8,
    /// The whole encoding: tag, length, contents.
    whole: &'a [u8],
    contents: &'a [u8],
    /// What follows the element.
    after: &'a [u8],
}

/// The first DER element of `input`; `None` on anything malformed or
/// truncated.
fn der_element(input: &[u8]) -> Option<Element<'_>> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        // Certificates are far below 4 GiB; more length bytes are hostile.
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = input.len() - rest.len();
    let (contents, after) = rest.split_at(len);
    Some(Element {
        tag,
        whole: &input[..header + len],
        contents,
        after,
    })
}

/// The SubjectPublicKeyInfo of an X.509 certificate, found by walking the
/// DER: Certificate → tbsCertificate → [version], serial, signature
/// algorithm, issuer, validity, subject, subjectPublicKeyInfo.
pub fn spki_of_certificate(der: &[u8]) -> Option<&[u8]> {
    const SEQUENCE: u8 = 0x30;
    let certificate = der_element(der).filter(|e| e.tag == SEQUENCE)?;
    let tbs = der_element(certificate.contents).filter(|e| e.tag == SEQUENCE)?;
    let mut rest = tbs.contents;
    // The explicit [0] version is optional (absent means v1).
    if rest.first() == Some(&0xa0) {
        rest = der_element(rest)?.after;
    }
    // serial, signature, issuer, validity, subject
    for _ in 0..5 {
        rest = der_element(rest)?.after;
    }
    der_element(rest)
        .filter(|e| e.tag == SEQUENCE)
        .map(|e| e.whole)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// What the pin check saw, so that a refused handshake can say which key
/// the server showed instead of a bare TLS error.
#[derive(Debug, Default)]
pub struct SeenKey(Mutex<Option<Fingerprint>>);

impl SeenKey {
    pub fn get(&self) -> Option<Fingerprint> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Accepts exactly one server key; the handshake's signatures are still
/// checked, so only the holder of the private key gets through.
#[derive(Debug)]
struct PinnedKey {
    pin: Fingerprint,
    seen: Arc<SeenKey>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedKey {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = fingerprint_of_certificate(end_entity);
        *self.seen.0.lock().unwrap_or_else(|p| p.into_inner()) = seen;
        if seen == Some(self.pin) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A desk's TLS configuration, and where its pin check tells which key
/// the server showed.
pub type ClientTls = (Arc<rustls::ClientConfig>, Arc<SeenKey>);

/// The desk's TLS configuration for a pinned key or a CA; `None` for
/// [`HubTrust::Loopback`].
pub fn client_config(trust: &HubTrust) -> Result<Option<ClientTls>, String> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let seen = Arc::new(SeenKey::default());
    let config = match trust {
        HubTrust::Loopback => return Ok(None),
        HubTrust::Pin(pin) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedKey {
                pin: *pin,
                seen: seen.clone(),
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
        HubTrust::Ca(pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                let cert = cert.map_err(|e| format!("the CA file: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("the CA certificate: {e}"))?;
            }
            if roots.is_empty() {
                return Err("the CA file holds no certificate".into());
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    Ok(Some((Arc::new(config), seen)))
}

/// The hub's key and certificate chain, read from PEM.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Identity {
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Identity, String> {
        let chain = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("the certificate file: {e}"))?;
        if chain.is_empty() {
            return Err("the certificate file holds no certificate".into());
        }
        let key =
            PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| format!("the key file: {e}"))?;
        Ok(Identity { chain, key })
    }

    /// What desks pin: the fingerprint of the first certificate's key.
    pub fn fingerprint(&self) -> Option<Fingerprint> {
        fingerprint_of_certificate(&self.chain[0])
    }

    pub fn server_config(self) -> Result<Arc<rustls::ServerConfig>, String> {
        let mut config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(self.chain, self.key)
            .map_err(|e| format!("the key does not fit the certificate: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// A new P-256 key and a self-signed certificate for it, valid ten years,
/// naming `names` (host names or IP addresses) and `localhost`: (key PEM,
/// certificate PEM, fingerprint).
pub fn self_signed(names: &[String]) -> Result<(String, String, Fingerprint), String> {
    let mut subject_names: Vec<String> = names.to_vec();
    for default in ["localhost", "127.0.0.1", "::1"] {
        if !subject_names.iter().any(|n| n == default) {
            subject_names.push(default.to_owned());
        }
    }
    let key =
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
    let mut params = rcgen::CertificateParams::new(subject_names).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "citizen-desk hub");
    // From yesterday (clocks differ a little) for ten years.
    use chrono::Datelike;
    let from = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let ymd = |d: chrono::NaiveDate| rcgen::date_time_ymd(d.year(), d.month() as u8, d.day() as u8);
    params.not_before = ymd(from);
    params.not_after = ymd(from.with_year(from.year() + 10).unwrap_or(from));
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    let fingerprint =
        fingerprint_of_certificate(cert.der()).ok_or("the new certificate does not parse")?;
    Ok((key.serialize_pem(), cert.pem(), fingerprint))
}

/// How the hub checks the PostgreSQL server it connects to, from the
/// database URL's `sslmode` (libpq's words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostgresTls {
    /// `prefer` or `require` without a root certificate: encrypted, the
    /// server's certificate not checked (as libpq does).
    Unverified,
    /// `verify-ca` (or `require` with `sslrootcert`): the certificate must
    /// chain to the root given; its name is not compared.
    VerifyCa(Vec<u8>),
    /// `verify-full`: the chain, and the host name in the URL.
    VerifyFull(Vec<u8>),
}

/// Accepts any certificate but still checks the handshake's signatures.
#[derive(Debug)]
struct AnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// The web PKI check without the name: for `verify-ca`.
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The hub's TLS configuration towards PostgreSQL.
pub fn postgres_client_config(mode: &PostgresTls) -> Result<rustls::ClientConfig, String> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let roots = |pem: &[u8]| -> Result<Arc<rustls::RootCertStore>, String> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(pem) {
            roots
                .add(cert.map_err(|e| format!("sslrootcert: {e}"))?)
                .map_err(|e| format!("sslrootcert: {e}"))?;
        }
        if roots.is_empty() {
            return Err("sslrootcert holds no certificate".into());
        }
        Ok(Arc::new(roots))
    };
    let webpki = |pem: &[u8]| {
        rustls::client::WebPkiServerVerifier::builder_with_provider(roots(pem)?, provider.clone())
            .build()
            .map_err(|e| e.to_string())
    };
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        PostgresTls::Unverified => {
            Arc::new(AnyCertificate(provider.signature_verification_algorithms))
        }
        PostgresTls::VerifyCa(pem) => Arc::new(ChainOnly(webpki(pem)?)),
        PostgresTls::VerifyFull(pem) => webpki(pem)?,
    };
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"postgresql".to_vec()];
    Ok(config)
}

/// Whether `host` (from a URL) names this machine: `localhost` or a
/// loopback IP address.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::PublicKeyData;

    #[test]
    fn the_fingerprint_is_of_the_public_key() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["hub.example".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        assert_eq!(
            spki_of_certificate(cert.der()).unwrap(),
            key.subject_public_key_info().as_slice()
        );
        // A second certificate for the same key has the same fingerprint.
        let again = rcgen::CertificateParams::new(vec!["other.example".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        assert_ne!(cert.der(), again.der());
        assert_eq!(
            fingerprint_of_certificate(cert.der()),
            fingerprint_of_certificate(again.der())
        );
    }

    #[test]
    fn damaged_certificates_give_no_fingerprint() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["hub".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = cert.der().to_vec();
        for cut in 0..der.len() {
            // Every truncation either fails or still finds the same key
            // (cutting off the signature leaves the key readable).
            if let Some(spki) = spki_of_certificate(&der[..cut]) {
                assert_eq!(spki, key.subject_public_key_info().as_slice());
            }
        }
        assert_eq!(
            spki_of_certificate(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
            None
        );
        assert_eq!(spki_of_certificate(&[0x31, 0x00]), None);
        assert_eq!(spki_of_certificate(&[]), None);
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.8.9.1",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "10.0.0.1",
            "hub.gov.sy",
            "localhost.evil",
            "[::2]",
            "0.0.0.0",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }
}
