//! The seal of a request as the desk makes it, for the benchmarks.

use citizen_desk::documents::pdf::{PdfInfo, write_pdf};
use citizen_desk::documents::render::{
    Deployment, Digits, Mark, RenderInput, Templates, render_document,
};
use citizen_desk::domain::{Catalog, Request};
use citizen_desk::seal::cose::{encode_sign, encode_signer_header, sig_structure};
use citizen_desk::seal::crypto::SigningKey;
use citizen_desk::seal::layers::encode_text;
use citizen_desk::store::seal_claims_for;

/// The keys that sign: the center's, and one per supervisor.
pub struct Signers {
    center: SigningKey,
    supervisors: Vec<SigningKey>,
}

impl Signers {
    /// A center key and two supervisors' keys, new.
    pub fn new() -> Signers {
        Signers {
            center: SigningKey::generate().unwrap(),
            supervisors: (0..2).map(|_| SigningKey::generate().unwrap()).collect(),
        }
    }
}

/// The seal of a request as the desk makes it: claims, one ES256
/// signature per supervisor stamp and the center's, COSE, zlib, Base45.
/// (At the desk the stamps are signed when stamped; here all at once.)
pub fn seal_text(req: &Request, catalog: &Catalog, keys: &Signers) -> String {
    let service = catalog.service(&req.service).unwrap();
    let payload = seal_claims_for(req, service).unwrap().to_cbor();
    let mut signatures = Vec::new();
    for (i, stamp) in req.stamps.iter().enumerate() {
        let key = &keys.supervisors[i % keys.supervisors.len()];
        let protected = encode_signer_header(
            &key.kid(),
            &stamp.supervisor,
            "supervisor",
            stamp.stamped_at.timestamp(),
        );
        let sig = key.sign(&sig_structure(&[], &protected, &[], &payload));
        signatures.push((protected, sig));
    }
    let protected = encode_signer_header(&keys.center.kid(), "TRT01", "center", 1_800_000_000);
    let sig = keys
        .center
        .sign(&sig_structure(&[], &protected, &[], &payload));
    signatures.push((protected, sig));
    encode_text(
        &encode_sign(&payload, &signatures),
        citizen_desk::seal::PREFIX,
    )
}

/// A request's sealed original as the desk prints it at center TRT01: the
/// seal, the layout and the PDF.
pub fn sealed_pdf(
    req: &Request,
    catalog: &Catalog,
    templates: &Templates,
    keys: &Signers,
) -> Vec<u8> {
    let text = seal_text(req, catalog, keys);
    let pages = render_document(&RenderInput {
        request: req,
        catalog,
        templates,
        center_name: &templates.center_name("TRT01"),
        mark: Mark::Original,
        seal: Some(&text),
        issued: req.verified_at.unwrap(),
        digits: Digits::Latin,
        place: templates.place_of_issue("TRT01"),
        copy: None,
        demo: false,
        deployment: &Deployment::default(),
    })
    .unwrap();
    write_pdf(
        &pages,
        &PdfInfo {
            title: &req.tracking_code,
            seal: Some(&text),
        },
    )
}
