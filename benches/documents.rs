//! Sealed A4 documents per second: layout, shaping, the seal (claims, one
//! ES256 signature per supervisor stamp and the center's, Base45, QR) and
//! the PDF with subset fonts.
//!
//! `cargo bench --bench documents`

use std::hint::black_box;

use chrono::NaiveDate;
use citizen_desk::demo::{DemoOptions, create_demo};
use citizen_desk::documents::pdf::{PdfInfo, write_pdf};
use citizen_desk::documents::render::{
    Deployment, Digits, Mark, RenderInput, Templates, render_document,
};
use citizen_desk::domain::{Catalog, Request};
use citizen_desk::store::RequestRef;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/sealing.rs"]
mod sealing;
use sealing::{Signers, seal_text, sealed_pdf};

/// The page of a request without a seal: layout and shaping only.
fn layout(
    req: &Request,
    catalog: &Catalog,
    templates: &Templates,
) -> Vec<citizen_desk::documents::layout::Page> {
    render_document(&RenderInput {
        request: req,
        catalog,
        templates,
        center_name: &templates.center_name("TRT01"),
        mark: Mark::Original,
        seal: None,
        issued: req.verified_at.unwrap(),
        digits: Digits::Latin,
        place: templates.place_of_issue("TRT01"),
        copy: None,
        demo: false,
        deployment: &Deployment::default(),
    })
    .unwrap()
}

fn documents(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().unwrap();
    let options = DemoOptions {
        requests: 4_000,
        seed: 9,
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    };
    let (mut store, _) = create_demo(dir.path(), &options).unwrap();
    let clerk = store
        .sign_in("clerk1", citizen_desk::demo::DEMO_PIN)
        .unwrap();
    let codes: Vec<String> = {
        let mut stmt = store
            .connection()
            .prepare("SELECT tracking_code FROM requests WHERE verified_at IS NOT NULL LIMIT 1000")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let requests: Vec<Request> = codes
        .iter()
        .map(|c| store.show(&clerk, &RequestRef::parse(c).unwrap()).unwrap())
        .collect();
    let catalog = store.catalog().clone();
    let templates = Templates::builtin(&catalog).unwrap();
    let key = Signers::new();
    let stamps: usize = requests.iter().map(|r| r.stamps.len()).sum();
    eprintln!(
        "{} requests, {:.2} supervisor stamps each on average",
        requests.len(),
        stamps as f64 / requests.len() as f64
    );
    let sizes: Vec<usize> = requests
        .iter()
        .take(50)
        .map(|r| sealed_pdf(r, &catalog, &templates, &key).len())
        .collect();
    eprintln!(
        "average PDF size over 50 documents: {} bytes",
        sizes.iter().sum::<usize>() / sizes.len()
    );

    let mut group = c.benchmark_group("documents");
    group.sample_size(20);
    let mut i = 0;
    group.bench_function("one_sealed_a4", |b| {
        b.iter(|| {
            i = (i + 1) % requests.len();
            black_box(sealed_pdf(&requests[i], &catalog, &templates, &key))
        })
    });
    // Where the time goes: layout and shaping alone, then writing the PDF
    // (font subsetting and serialization) of an already laid-out page.
    let mut i = 0;
    group.bench_function("layout_only", |b| {
        b.iter(|| {
            i = (i + 1) % requests.len();
            black_box(layout(&requests[i], &catalog, &templates))
        })
    });
    let pages: Vec<_> = requests
        .iter()
        .take(20)
        .map(|r| layout(r, &catalog, &templates))
        .collect();
    let mut i = 0;
    group.bench_function("pdf_only", |b| {
        b.iter(|| {
            i = (i + 1) % pages.len();
            black_box(write_pdf(
                &pages[i],
                &PdfInfo {
                    title: "x",
                    seal: None,
                },
            ))
        })
    });
    // The seal's two parts: making its text, and encoding it as a QR
    // (eight masks scored).
    let mut i = 0;
    group.bench_function("seal_text_only", |b| {
        b.iter(|| {
            i = (i + 1) % requests.len();
            black_box(seal_text(&requests[i], &catalog, &key))
        })
    });
    let texts: Vec<String> = requests
        .iter()
        .take(20)
        .map(|r| seal_text(r, &catalog, &key))
        .collect();
    let mut i = 0;
    group.bench_function("qr_encode_only", |b| {
        b.iter(|| {
            i = (i + 1) % texts.len();
            black_box(citizen_desk::seal::qr::encode(&texts[i]).unwrap())
        })
    });
    // The desk's on-screen preview of a laid-out page.
    let mut i = 0;
    group.bench_function("preview_png_150dpi", |b| {
        b.iter(|| {
            i = (i + 1) % pages.len();
            black_box(citizen_desk::documents::preview::preview_png(&pages[i], 150.0).unwrap())
        })
    });
    group.sample_size(10);
    group.bench_function("batch_of_1000", |b| {
        b.iter(|| {
            // From a cold shaping cache: each citizen's own strings are
            // shaped for the first time, as at a real desk.
            citizen_desk::documents::text::clear_shape_cache();
            let mut total = 0;
            for r in &requests {
                total += sealed_pdf(r, &catalog, &templates, &key).len();
            }
            black_box(total)
        })
    });
    group.finish();
}

criterion_group!(benches, documents);
criterion_main!(benches);
