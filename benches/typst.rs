//! One sealed A4 document: ours against Typst setting the same page, in
//! the same run on the same machine (`cargo bench --bench typst`; Typst
//! from `TYPST` or the PATH, say `cargo install typst-cli`; without it
//! the bench says so and measures nothing).
//!
//! The same 100 requests of a demo store: we make each one's sealed
//! original (the seal's claims and ES256 signatures, Base45, the QR,
//! layout and shaping, a PDF/A file with its own subset fonts); Typst sets
//! the same texts, fonts and layout from `benches/typst/page.typ`, given
//! each page's QR as a PNG made beforehand (so Typst does less: no
//! signature, no QR). Typst is timed as a process (its start and font
//! loading included), once for a one-page document and once for all 100
//! pages in one document (those amortised over the pages, and its fonts
//! written once for all of them where we write 100 files); we are timed
//! in process, the first pass from a cold shaping cache.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use citizen_desk::demo::{DemoOptions, create_demo};
use citizen_desk::documents::render::{Digits, Templates, fill, long_date, short_date};
use citizen_desk::domain::{Catalog, Request, Sex};
use citizen_desk::seal::qr;
use citizen_desk::store::RequestRef;

#[path = "common/sealing.rs"]
mod sealing;
use sealing::{Signers, seal_text, sealed_pdf};

const PAGES: usize = 100;
const RUNS: usize = 5;

fn typst() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TYPST") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("typst"))
            .find(|p| p.is_file())
    })
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The texts of a request's page, as our layout prints them.
fn page_texts(
    req: &Request,
    catalog: &Catalog,
    templates: &Templates,
    json: &serde_json::Value,
    qr_file: &str,
) -> serde_json::Value {
    let service = catalog.service(&req.service).unwrap();
    let tpl = &json["services"][&req.service];
    let authority = &json["authorities"][tpl["authority"].as_str().unwrap()];
    let body = match (&tpl["body"], req.sex) {
        (serde_json::Value::String(s), _) => s.clone(),
        (b, Some(Sex::Female)) => b["female"].as_str().unwrap().to_owned(),
        (b, _) => b["male"].as_str().unwrap().to_owned(),
    };
    let c = &templates.captions;
    let issued = req.verified_at.unwrap();
    let valid_until = issued + chrono::Duration::days(i64::from(service.validity_days));
    let number = req.document_number.clone().unwrap_or_default();
    let mut rows = vec![
        (c.name.clone(), req.name.full()),
        (c.father.clone(), req.name.father.clone()),
        (c.mother.clone(), req.name.mother.clone()),
        (c.national_id.clone(), req.national_id.as_str().to_owned()),
    ];
    if let Some(g) = catalog.governorate(&req.governorate) {
        rows.push((c.governorate.clone(), g.name_ar.clone()));
    }
    for f in &service.fields {
        let value = req
            .document
            .get(&f.key)
            .map(|v| f.display(v))
            .unwrap_or_else(|| "—".into());
        rows.push((f.label_ar_for(req.sex).to_owned(), value));
    }
    let supervisors: Vec<&str> = req.stamps.iter().map(|s| s.supervisor.as_str()).collect();
    serde_json::json!({
        "state": json["state_line"],
        "authority": authority["lines"],
        "center": templates.center_name("TRT01"),
        "left": [
            fill(&c.document_number, &[("number", &number)]),
            fill(&c.issue_date, &[("date", &short_date(issued))]),
            fill(&c.valid_until, &[("date", &short_date(valid_until))]),
            fill(&c.tracking_code, &[("code", &req.tracking_code)]),
        ],
        "title": service.name_ar,
        "body": body,
        "rows": rows,
        "approvals": fill(&c.approved_by, &[("names", &supervisors.join("، "))]),
        "signatory": authority["signatory"],
        "signature_line": c.signature_line,
        "stamp_place": c.stamp_place,
        "hint": json["verify_hint"],
        "issued": fill(&c.issued_at_place, &[("place", "طرطوس"), ("date", &long_date(issued, Digits::Latin))]),
        "qr": qr_file,
    })
}

/// Our sealed original of `req`: its size in bytes.
fn our_document(req: &Request, catalog: &Catalog, templates: &Templates, keys: &Signers) -> usize {
    sealed_pdf(req, catalog, templates, keys).len()
}

/// CPU time (user and system) of this process's finished children.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// One `typst compile`: its wall time and its CPU time (Typst works on
/// several threads; we work on one).
fn typst_compile(typst: &Path, dir: &Path, fonts: &Path, out: &str) -> (Duration, Duration) {
    let cpu = children_cpu();
    let start = Instant::now();
    let status = Command::new(typst)
        .current_dir(dir)
        .args(["compile", "--ignore-system-fonts", "--font-path"])
        .arg(fonts)
        .args(["page.typ", out])
        .status()
        .expect("typst runs");
    let took = start.elapsed();
    assert!(status.success(), "typst compile failed");
    (took, children_cpu() - cpu)
}

/// Medians of the wall and CPU times of `RUNS` compiles.
fn typst_runs(typst: &Path, dir: &Path, fonts: &Path, out: &str) -> (Duration, Duration) {
    let runs: Vec<(Duration, Duration)> = (0..RUNS)
        .map(|_| typst_compile(typst, dir, fonts, out))
        .collect();
    (
        median(runs.iter().map(|r| r.0).collect()),
        median(runs.iter().map(|r| r.1).collect()),
    )
}

fn main() {
    let Some(typst) = typst() else {
        eprintln!(
            "SKIPPED: typst is not installed (cargo install typst-cli, or set TYPST): nothing measured"
        );
        return;
    };
    let version = Command::new(&typst).arg("--version").output().unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    let options = DemoOptions {
        requests: 4_000,
        seed: 9,
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    };
    let (mut store, _) = create_demo(&dir.path().join("store"), &options).unwrap();
    let clerk = store
        .sign_in("clerk1", citizen_desk::demo::DEMO_PIN)
        .unwrap();
    let codes: Vec<String> = {
        let mut stmt = store
            .connection()
            .prepare("SELECT tracking_code FROM requests WHERE verified_at IS NOT NULL ORDER BY tracking_code LIMIT ?1")
            .unwrap();
        stmt.query_map([PAGES as i64], |r| r.get(0))
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
    let template_json: serde_json::Value =
        serde_json::from_str(include_str!("../assets/templates.json")).unwrap();
    let keys = Signers::new();

    // Typst's input: each page's texts and its QR (not timed).
    let work = dir.path().join("typst");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/typst/page.typ"),
        work.join("page.typ"),
    )
    .unwrap();
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let pages: Vec<serde_json::Value> = requests
        .iter()
        .enumerate()
        .map(|(i, req)| {
            let symbol = qr::encode(&seal_text(req, &catalog, &keys)).unwrap();
            let file = format!("qr{i}.png");
            std::fs::write(work.join(&file), qr::to_png(&symbol, 4)).unwrap();
            page_texts(req, &catalog, &templates, &template_json, &file)
        })
        .collect();
    let write_pages = |n: usize| {
        std::fs::write(
            work.join("pages.json"),
            serde_json::to_vec(&pages[..n]).unwrap(),
        )
        .unwrap();
    };

    // Ours: the first pass from a cold shaping cache, then warm passes.
    let start = Instant::now();
    let first = our_document(&requests[0], &catalog, &templates, &keys);
    let ours_first = start.elapsed();
    let mut bytes = first;
    let start = Instant::now();
    for req in &requests[1..] {
        bytes += our_document(req, &catalog, &templates, &keys);
    }
    let ours_cold_rest = start.elapsed();
    let ours_warm = median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                for req in &requests {
                    std::hint::black_box(our_document(req, &catalog, &templates, &keys));
                }
                start.elapsed()
            })
            .collect(),
    );

    // Typst: one page, then all the pages in one document.
    write_pages(1);
    typst_compile(&typst, &work, &fonts, "one.pdf"); // warms the disk cache
    let (typst_one, typst_one_cpu) = typst_runs(&typst, &work, &fonts, "one.pdf");
    write_pages(PAGES);
    let (typst_all, typst_all_cpu) = typst_runs(&typst, &work, &fonts, "all.pdf");
    let typst_bytes = std::fs::metadata(work.join("all.pdf")).unwrap().len();
    let typst_one_bytes = std::fs::metadata(work.join("one.pdf")).unwrap().len();
    if let Some(keep) = std::env::var_os("KEEP_TYPST_OUTPUT") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).unwrap();
        for f in ["one.pdf", "all.pdf"] {
            std::fs::copy(work.join(f), keep.join(f)).unwrap();
        }
    }

    let per = |d: Duration| ms(d) / PAGES as f64;
    let ours_cold = ours_first + ours_cold_rest;
    println!("{}", String::from_utf8_lossy(&version.stdout).trim());
    println!("{PAGES} sealed A4 pages, medians of {RUNS} runs:");
    println!(
        "  ours, one page first in the process (fonts parsed, cache cold): {:8.2} ms",
        ms(ours_first)
    );
    println!(
        "  ours, {PAGES} documents, cold cache:                         {:8.2} ms a page",
        per(ours_cold)
    );
    println!(
        "  ours, {PAGES} documents, warm cache:                         {:8.2} ms a page",
        per(ours_warm)
    );
    println!(
        "  typst, a one-page document (process):                   {:8.2} ms ({:.2} ms of CPU)",
        ms(typst_one),
        ms(typst_one_cpu)
    );
    println!(
        "  typst, one {PAGES}-page document (process):                {:8.2} ms a page ({:.2} ms of CPU)",
        per(typst_all),
        per(typst_all_cpu)
    );
    println!(
        "  typst / ours: a page in a batch {:.1}x (wall; {:.1}x in CPU time), one page from a cold start {:.1}x",
        per(typst_all) / per(ours_cold),
        per(typst_all_cpu) / per(ours_cold),
        ms(typst_one) / ms(ours_first)
    );
    println!(
        "  size: ours {:.1} KB a document (fonts in each); typst {:.1} KB for one page, {:.1} KB a page in the {PAGES}-page file",
        bytes as f64 / PAGES as f64 / 1024.0,
        typst_one_bytes as f64 / 1024.0,
        typst_bytes as f64 / PAGES as f64 / 1024.0
    );
}
