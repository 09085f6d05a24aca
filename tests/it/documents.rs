//! Printed documents, checked with independent tools: qpdf, pdffonts,
//! pdftotext (poppler) and a rasterised page whose QR must verify.

use std::process::Command;

use crate::common::*;
use chrono::Utc;
use citizen_desk::documents::layout::{Item, Page};
use citizen_desk::documents::pdf::{PdfInfo, write_pdf};
use citizen_desk::documents::preview::preview_png;
use citizen_desk::documents::render::{
    Deployment, Digits, Mark, RenderInput, Templates, render_document,
};
use citizen_desk::seal::{qr, verify_seal};
use citizen_desk::store::{RequestRef, Store};

pub(crate) fn run(tool: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{} {:?}: {}",
        tool.display(),
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn read_request(store: &mut Store, code: &str) -> citizen_desk::domain::Request {
    let s = store.sign_in("clerk2", PIN).unwrap();
    store.show(&s, &RequestRef::parse(code).unwrap()).unwrap()
}

#[test]
fn a_draft_pdf_is_well_formed_embeds_subset_fonts_and_gives_back_its_arabic() {
    let (Some(pdftotext), Some(pdffonts), Some(qpdf)) =
        (tool("pdftotext"), tool("pdffonts"), tool("qpdf"))
    else {
        return;
    };
    let (dir, mut store) = demo_store(300);
    let code = find(&store, "state = 'verified'");
    let req = read_request(&mut store, &code);
    drop(store);
    let pdf = dir.path().join("draft.pdf");
    let out = cli(
        dir.path(),
        &[
            "--user",
            "clerk1",
            "render",
            &code,
            "--out",
            pdf.to_str().unwrap(),
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.len() < 120_000,
        "{} bytes: fonts must be subset",
        bytes.len()
    );

    let check = run(&qpdf, &["--check", pdf.to_str().unwrap()]);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    let fonts = run(&pdffonts, &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "embedded, subset, unicode map: {row}"
        );
        assert!(cols[0].contains('+'), "subset name: {row}");
    }
    let text = squeeze(&run(&pdftotext, &[pdf.to_str().unwrap(), "-"]));
    let catalog = citizen_desk::domain::Catalog::builtin().unwrap();
    let service = catalog.service(&req.service).unwrap();
    for expected in [
        req.name.full(),
        req.name.mother.clone(),
        req.national_id.to_string(),
        service.name_ar.clone(),
        req.document_number.clone().unwrap(),
        "الجمهوريةالعربيةالسورية".into(),
    ] {
        assert!(
            text.contains(&squeeze(&expected)),
            "pdftotext lost {expected:?}:\n{text}"
        );
    }
    for value in req.document.values() {
        // Dates are printed dd/MM/yyyy; other values as issued.
        let shown = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or(value.clone());
        assert!(
            text.contains(&squeeze(&shown)),
            "pdftotext lost field {shown:?}"
        );
    }
    assert!(
        text.contains("مسودة") && text.contains("DRAFT"),
        "draft mark:\n{text}"
    );
    let templates: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/templates.json")).unwrap();
    let body = templates["services"][&req.service]["body"]
        .as_str()
        .unwrap();
    assert!(
        text.contains(&squeeze(body)),
        "the certifying sentence, marks and all:\n{body}\n{text}"
    );
}

/// Where the page's QR symbol lies, in pixels at `dpi`: left, top, the
/// side of a module, and the number of modules a side.
fn qr_in_pixels(pages: &[Page], dpi: f32) -> Option<(f32, f32, f32, usize)> {
    let px = dpi / 25.4;
    pages[0].items.iter().find_map(|item| match item {
        Item::Qr {
            x,
            y,
            side,
            modules,
            ..
        } => Some((x * px, y * px, side * px / *modules as f32, *modules)),
        _ => None,
    })
}

/// The share of inked 4x4-pixel blocks whose mean grey differs by more
/// than a quarter between our preview and poppler's raster (anti-aliasing
/// and hinting at glyph edges do not count, text in the wrong place does),
/// outside the QR symbol (`qr`, compared module by
/// module in `qr_modules_differing`: a PDF reader and the preview round
/// module edges to pixels each their own way).
fn raster_difference(
    preview_png: &[u8],
    poppler: &image::GrayImage,
    qr: Option<(f32, f32, f32, usize)>,
) -> f64 {
    let ours = image::load_from_memory(preview_png).unwrap().to_luma8();
    assert!(ours.width().abs_diff(poppler.width()) <= 1);
    assert!(ours.height().abs_diff(poppler.height()) <= 1);
    let (w, h) = (
        ours.width().min(poppler.width()) / 4,
        ours.height().min(poppler.height()) / 4,
    );
    let mean = |img: &image::GrayImage, bx: u32, by: u32| {
        let mut sum = 0u32;
        for y in 0..4 {
            for x in 0..4 {
                sum += u32::from(img.get_pixel(bx * 4 + x, by * 4 + y)[0]);
            }
        }
        (sum / 16) as i32
    };
    let in_qr = |bx: u32, by: u32| {
        qr.is_some_and(|(left, top, module, n)| {
            let side = module * n as f32;
            let (x, y) = ((bx * 4) as f32, (by * 4) as f32);
            x + 4.0 > left && x < left + side && y + 4.0 > top && y < top + side
        })
    };
    let (mut inked, mut differ) = (0u32, 0u32);
    for by in 0..h {
        for bx in 0..w {
            if in_qr(bx, by) {
                continue;
            }
            let (a, b) = (mean(&ours, bx, by), mean(poppler, bx, by));
            if a < 200 || b < 200 {
                inked += 1;
                if (a - b).abs() > 64 {
                    differ += 1;
                }
            }
        }
    }
    assert!(inked > 2_000, "the page has ink: {inked}");
    f64::from(differ) / f64::from(inked)
}

/// How many QR modules are dark in one image and light in the other,
/// read at each module's centre.
fn qr_modules_differing(
    preview_png: &[u8],
    poppler: &image::GrayImage,
    (left, top, module, n): (f32, f32, f32, usize),
) -> usize {
    let ours = image::load_from_memory(preview_png).unwrap().to_luma8();
    // Each renderer puts the symbol's edges on pixels its own way (poppler
    // floors where the preview rounds), so each image is sampled at the
    // centres of its own modules: the symbol's inked box (its finder
    // patterns reach three corners) divided into n × n.
    let modules = |img: &image::GrayImage| -> Vec<bool> {
        let dark = |x: u32, y: u32| img.get_pixel(x, y)[0] < 128;
        let (x0, y0) = ((left - 3.0).max(0.0) as u32, (top - 3.0).max(0.0) as u32);
        let span = (module * n as f32 + 6.0) as u32;
        let (x1, y1) = (
            (x0 + span).min(img.width() - 1),
            (y0 + span).min(img.height() - 1),
        );
        let rows: Vec<u32> = (y0..=y1)
            .filter(|&y| (x0..=x1).any(|x| dark(x, y)))
            .collect();
        let cols: Vec<u32> = (x0..=x1)
            .filter(|&x| (y0..=y1).any(|y| dark(x, y)))
            .collect();
        let (top, bottom) = (rows[0] as f32, *rows.last().unwrap() as f32 + 1.0);
        let (left, right) = (cols[0] as f32, *cols.last().unwrap() as f32 + 1.0);
        let (mw, mh) = ((right - left) / n as f32, (bottom - top) / n as f32);
        (0..n)
            .flat_map(|row| (0..n).map(move |col| (row, col)))
            .map(|(row, col)| {
                let x = (left + (col as f32 + 0.5) * mw) as u32;
                let y = (top + (row as f32 + 0.5) * mh) as u32;
                dark(x, y)
            })
            .collect()
    };
    modules(&ours)
        .iter()
        .zip(modules(poppler))
        .filter(|(a, b)| **a != *b)
        .count()
}

#[test]
fn a_sealed_copy_rasterised_at_150_dpi_verifies_and_carries_its_seal() {
    let Some(pdftoppm) = tool("pdftoppm") else {
        return;
    };
    let (dir, mut store) = demo_store(400);
    let code = find(
        &store,
        "state = 'approved' AND paid = 1 AND stamps_required = 2",
    );
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let seal = store
        .seal_make(&clerk, &RequestRef::parse(&code).unwrap())
        .unwrap();
    let req = read_request(&mut store, &code);
    let templates = Templates::builtin(store.catalog()).unwrap();
    let pages = render_document(&RenderInput {
        request: &req,
        catalog: store.catalog(),
        templates: &templates,
        center_name: "مركز خدمة المواطن الإلكتروني TRT01",
        mark: Mark::Copy,
        seal: Some(&seal.text),
        issued: req.verified_at.unwrap(),
        digits: Digits::ArabicIndic,
        place: None,
        copy: None,
        demo: false,
        deployment: &Deployment::default(),
    })
    .unwrap();
    assert_eq!(pages.len(), 1);
    let bytes = write_pdf(
        &pages,
        &PdfInfo {
            title: "copy",
            seal: Some(&seal.text),
        },
    );
    let pdf = dir.path().join("copy.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    let prefix = dir.path().join("page");
    run(
        &pdftoppm,
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = std::fs::read(dir.path().join("page.png")).unwrap();
    let texts = qr::decode_image(&png).unwrap();
    assert_eq!(texts, vec![seal.text.clone()]);

    // The preview the desk shows is the same page: its QR reads back the
    // same seal, and it matches poppler's rendering of the PDF pixel for
    // pixel, but for anti-aliasing at glyph edges.
    let preview = preview_png(&pages, 150.0).unwrap();
    assert_eq!(qr::decode_image(&preview).unwrap(), vec![seal.text.clone()]);
    let poppler = image::load_from_memory(&png).unwrap().to_luma8();
    let qr = qr_in_pixels(&pages, 150.0).expect("a sealed page has its QR");
    assert_eq!(
        qr_modules_differing(&preview, &poppler, qr),
        0,
        "every module of the seal's QR is the same in the preview and the PDF"
    );
    let share = raster_difference(&preview, &poppler, Some(qr));
    say_loudly(&format!(
        "preview vs pdftoppm: {:.2}% of inked 4x4 blocks differ",
        share * 100.0
    ));
    const LIMIT: f64 = 0.005;
    assert!(
        share < LIMIT,
        "preview differs from the PDF: {:.2}%",
        share * 100.0
    );
    // The measure can fail: the same page with its text moved by 1 mm, and
    // the draft of the same request (watermark, no stamps), are far from it.
    let mut moved = pages.clone();
    for item in &mut moved[0].items {
        if let Item::Text { x, .. } = item {
            *x += 1.0;
        }
    }
    let draft = render_document(&RenderInput {
        request: &req,
        catalog: store.catalog(),
        templates: &templates,
        center_name: "مركز خدمة المواطن الإلكتروني TRT01",
        mark: Mark::Draft,
        seal: None,
        issued: req.verified_at.unwrap(),
        digits: Digits::ArabicIndic,
        place: None,
        copy: None,
        demo: false,
        deployment: &Deployment::default(),
    })
    .unwrap();
    // (Measured here: the page 0.02 %, moved 42 %, the draft 1.5 %.)
    for other in [moved, draft] {
        let other = raster_difference(&preview_png(&other, 150.0).unwrap(), &poppler, Some(qr));
        assert!(
            other > 2.0 * LIMIT,
            "a different page measured {:.2}%",
            other * 100.0
        );
    }
    let report = verify_seal(
        &texts[0],
        &store.trust_set().unwrap(),
        store.catalog(),
        Utc::now().timestamp(),
        30 * 86_400,
    );
    assert!(report.valid, "{:?}", report.invalid);

    // The seal is in the PDF's metadata too: `seal verify --pdf` needs no raster.
    drop(store);
    let out = cli(
        dir.path(),
        &["seal", "verify", "--pdf", pdf.to_str().unwrap()],
        None,
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn every_service_has_a_template_and_renders() {
    let (_dir, mut store) = demo_store(600);
    let catalog = store.catalog().clone();
    let templates = Templates::builtin(&catalog).unwrap();
    for service in &catalog.services {
        let code = find(
            &store,
            &format!("service = '{}' AND state = 'verified'", service.code),
        );
        let req = read_request(&mut store, &code);
        let pages = render_document(&RenderInput {
            request: &req,
            catalog: &catalog,
            templates: &templates,
            center_name: "TRT01",
            mark: Mark::Draft,
            seal: None,
            issued: Utc::now(),
            digits: Digits::Latin,
            place: None,
            copy: None,
            demo: false,
            deployment: &Deployment::default(),
        })
        .unwrap();
        assert_eq!(pages.len(), 1, "{} fits one page", service.code);
        let pdf = write_pdf(
            &pages,
            &PdfInfo {
                title: "t",
                seal: None,
            },
        );
        assert!(pdf.starts_with(b"%PDF-"), "{}", service.code);
    }
}

#[test]
fn print_makes_one_sealed_original_then_authorised_copies() {
    let (_dir, mut store) = demo_store(1200);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let sup = store.sign_in("supervisor2", PIN).unwrap();
    let code = find(&store, "state = 'approved' AND paid = 1");
    let r = RequestRef::parse(&code).unwrap();

    // A delivery that fails (say the disk is full) records nothing.
    let err = store.print_document(&clerk, &r, None, Digits::Latin, |_| {
        Err(citizen_desk::Error::DiskFull("test".into()))
    });
    assert!(matches!(err, Err(citizen_desk::Error::DiskFull(_))));
    assert_eq!(
        state_of(&store, &code).0,
        citizen_desk::domain::State::Approved
    );

    let mut saved = Vec::new();
    let original = store.print_document(&clerk, &r, None, Digits::Latin, |pdf| {
        saved = pdf.to_vec();
        Ok(())
    });
    let original = original.unwrap();
    assert_eq!((original.mark, original.sealed), (Mark::Original, true));
    assert_eq!(
        state_of(&store, &code).0,
        citizen_desk::domain::State::Printed
    );
    let seal = citizen_desk::seal::seal_from_pdf(&saved).expect("seal in metadata");
    assert!(
        verify_seal(
            &seal,
            &store.trust_set().unwrap(),
            store.catalog(),
            Utc::now().timestamp(),
            86_400
        )
        .valid
    );

    // A second print is a copy, and only with a supervisor's say-so.
    assert!(matches!(
        store.print_document(&clerk, &r, None, Digits::Latin, |_| Ok(())),
        Err(citizen_desk::Error::ReprintNeedsSupervisor)
    ));
    let clerk2 = store.sign_in("clerk2", PIN).unwrap();
    assert!(matches!(
        store.print_document(&clerk, &r, Some((&clerk2, PIN)), Digits::Latin, |_| Ok(())),
        Err(citizen_desk::Error::Forbidden { .. })
    ));
    // A supervisor printing may not authorise their own copy.
    let err = store
        .print_document(&sup, &r, Some((&sup, PIN)), Digits::Latin, |_| Ok(()))
        .map(|_| ())
        .unwrap_err();
    assert!(
        err.message()
            .text(citizen_desk::i18n::Lang::En)
            .contains("second person"),
        "{err:?}"
    );
    // The authoriser's PIN opens their stamp key: a wrong one prints nothing.
    assert!(matches!(
        store.print_document(
            &clerk,
            &r,
            Some((&sup, "999999")),
            Digits::Latin,
            |_| Ok(())
        ),
        Err(citizen_desk::Error::WrongPin { .. })
    ));
    let mut copy_pdf = Vec::new();
    let copy = store
        .print_document(&clerk, &r, Some((&sup, PIN)), Digits::Latin, |pdf| {
            copy_pdf = pdf.to_vec();
            Ok(())
        })
        .unwrap();
    assert_eq!(copy.mark, Mark::Copy);
    // The copy's seal says which copy and who authorised it; the
    // original's says neither, and the two seals differ.
    let check = |text: &str| {
        verify_seal(
            text,
            &store.trust_set().unwrap(),
            store.catalog(),
            Utc::now().timestamp(),
            86_400,
        )
    };
    let copy_seal = citizen_desk::seal::seal_from_pdf(&copy_pdf).expect("a sealed copy");
    assert_ne!(copy_seal, seal);
    let report = check(&copy_seal);
    assert!(report.valid, "{:?}", report.invalid);
    assert_eq!(
        report.copy,
        Some(citizen_desk::seal::CopyOf {
            number: 1,
            authorised_by: "supervisor2".into()
        })
    );
    assert!(
        report
            .copy
            .as_ref()
            .unwrap()
            .message()
            .text(citizen_desk::i18n::Lang::En)
            == "Copy 1, authorised by supervisor2."
    );
    assert_eq!(check(&seal).copy, None);
    // The authorisation cut out, to pass the copy off as an original:
    // refused.
    let msg =
        citizen_desk::seal::layers::decode_text(&copy_seal, citizen_desk::seal::PREFIX).unwrap();
    let kept: Vec<(Vec<u8>, Vec<u8>)> = msg
        .signatures
        .iter()
        .filter(|s| s.protected.text_value("role").and_then(|v| v.as_text()) != Some("copy"))
        .map(|s| (s.protected_bytes.clone(), s.signature.clone()))
        .collect();
    assert_eq!(kept.len(), msg.signatures.len() - 1);
    let stripped = citizen_desk::seal::layers::encode_text(
        &citizen_desk::seal::cose::encode_sign(&msg.payload, &kept),
        citizen_desk::seal::PREFIX,
    );
    assert!(matches!(
        check(&stripped).invalid,
        Some(citizen_desk::seal::Invalid::CopyNotAuthorised { copy: Some(1) })
    ));
    assert_eq!(
        state_of(&store, &code).0,
        citizen_desk::domain::State::Printed
    );
    let printed: i64 = store
        .connection()
        .query_row(
            "SELECT printed_count FROM requests WHERE tracking_code = ?1",
            [&code],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(printed, 2);
    let kinds: Vec<String> = {
        let mut stmt = store
            .connection()
            .prepare("SELECT kind FROM outbox ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(kinds, ["state_change", "copy_printed"]);
    let tail = store.audit_rows(1).unwrap();
    assert_eq!(tail[0].action, "print_copy");
    assert!(tail[0].detail.contains("supervisor2"));

    // Unpaid and not-yet-approved requests do not print.
    let unpaid = find(&store, "state = 'approved' AND paid = 0");
    assert!(matches!(
        store.print_document(
            &clerk,
            &RequestRef::parse(&unpaid).unwrap(),
            None,
            Digits::Latin,
            |_| Ok(())
        ),
        Err(citizen_desk::Error::Unpaid)
    ));
    let verified = find(&store, "state = 'verified'");
    assert!(matches!(
        store.print_document(
            &clerk,
            &RequestRef::parse(&verified).unwrap(),
            None,
            Digits::Latin,
            |_| Ok(())
        ),
        Err(citizen_desk::Error::InvalidTransition { .. })
    ));
}

#[test]
fn envelopes_then_one_dispatch_batch_with_its_manifest() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let (dir, mut store) = demo_store(300);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let admin = store.sign_in("admin", PIN).unwrap();
    let code = find(&store, "state = 'printed'");
    let r = RequestRef::parse(&code).unwrap();
    assert!(matches!(
        store.envelope(
            &admin,
            &r,
            citizen_desk::documents::labels::LabelFormat::Dl,
            |_| Ok(())
        ),
        Err(citizen_desk::Error::Forbidden { .. })
    ));
    let label = dir.path().join("label.pdf");
    let req = store
        .envelope(
            &clerk,
            &r,
            citizen_desk::documents::labels::LabelFormat::Dl,
            |pdf| std::fs::write(&label, pdf).map_err(|e| citizen_desk::Error::io(&label, e)),
        )
        .unwrap();
    assert_eq!(req.state, citizen_desk::domain::State::Enveloped);
    let text = squeeze(&run(&pdftotext, &[label.to_str().unwrap(), "-"]));
    assert!(
        text.contains(&code)
            && text.contains(&squeeze(&req.name.full()))
            && text.contains(&req.delivery.phone),
        "{text}"
    );
    let place = match &req.delivery.place {
        citizen_desk::domain::DeliveryPlace::Address { address } => address.clone(),
        citizen_desk::domain::DeliveryPlace::Center { center } => center.clone(),
    };
    // Poppler re-orders a number next to Arabic punctuation ("بناء 43،" comes
    // back as "بناء،43"): compare the letters of the place.
    let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).collect::<String>();
    assert!(
        letters(&text).contains(&letters(&place)),
        "delivery place: {text}"
    );
    // The tracking QR decodes to the tracking code.
    let prefix = dir.path().join("label");
    run(
        &tool("pdftoppm").unwrap(),
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            label.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert_eq!(
        qr::decode_image(&std::fs::read(dir.path().join("label.png")).unwrap()).unwrap(),
        vec![code.clone()]
    );
    assert!(matches!(
        store.envelope(
            &clerk,
            &r,
            citizen_desk::documents::labels::LabelFormat::A4Sheet,
            |_| Ok(())
        ),
        Err(citizen_desk::Error::InvalidTransition { .. })
    ));

    let waiting = count(
        &store,
        "SELECT count(*) FROM requests WHERE state = 'enveloped'",
    );
    let manifest = dir.path().join("manifest.pdf");
    let report = store
        .dispatch(&clerk, Default::default(), |pdf| {
            std::fs::write(&manifest, pdf).map_err(|e| citizen_desk::Error::io(&manifest, e))
        })
        .unwrap();
    assert_eq!(report.count as i64, waiting);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM requests WHERE state = 'enveloped'"
        ),
        0
    );
    let text = squeeze(&run(&pdftotext, &[manifest.to_str().unwrap(), "-"]));
    assert!(
        text.contains(&code) && text.contains(&report.batch),
        "{text}"
    );
    assert!(text.contains(&squeeze("مندوب البريد")));
    let batches = count(
        &store,
        "SELECT count(*) FROM outbox WHERE kind = 'handover_batch'",
    );
    assert_eq!(batches, 1);
    assert!(matches!(
        store.dispatch(&clerk, Default::default(), |_| Ok(())),
        Err(citizen_desk::Error::NothingToDispatch)
    ));
}

#[test]
fn a_long_document_flows_onto_more_pages_with_the_seal_on_the_last() {
    let (Some(pdftotext), Some(pdftoppm), Some(qpdf)) =
        (tool("pdftotext"), tool("pdftoppm"), tool("qpdf"))
    else {
        return;
    };
    let (dir, mut store) = demo_store(300);
    let code = find(&store, "state = 'approved' AND paid = 1");
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let seal = store
        .seal_make(&clerk, &RequestRef::parse(&code).unwrap())
        .unwrap();
    let mut req = read_request(&mut store, &code);
    // Forty stamps do not fit one A4 page with the citizen's data.
    let first = req.stamps[0].clone();
    req.stamps = (0..40)
        .map(|i| citizen_desk::domain::Stamp {
            supervisor: format!("supervisor{i:02}"),
            stamped_at: first.stamped_at + chrono::Duration::minutes(i),
        })
        .collect();
    let templates = Templates::builtin(store.catalog()).unwrap();
    let pages = render_document(&RenderInput {
        request: &req,
        catalog: store.catalog(),
        templates: &templates,
        center_name: "TRT01",
        mark: Mark::Original,
        seal: Some(&seal.text),
        issued: req.verified_at.unwrap(),
        digits: Digits::Latin,
        place: None,
        copy: None,
        demo: false,
        deployment: &Deployment::default(),
    })
    .unwrap();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let n = pages.len();
    let bytes = write_pdf(
        &pages,
        &PdfInfo {
            title: "long",
            seal: Some(&seal.text),
        },
    );
    let pdf = dir.path().join("long.pdf");
    std::fs::write(&pdf, &bytes).unwrap();
    run(&qpdf, &["--check", pdf.to_str().unwrap()]);
    let page_text = |p: usize| {
        squeeze(&run(
            &pdftotext,
            &[
                "-f",
                &p.to_string(),
                "-l",
                &p.to_string(),
                pdf.to_str().unwrap(),
                "-",
            ],
        ))
    };
    let all: String = (1..=n).map(page_text).collect();
    for i in 0..40 {
        assert!(
            all.contains(&format!("supervisor{i:02}")),
            "stamp {i} printed"
        );
    }
    let number = req.document_number.clone().unwrap();
    for p in 1..=n {
        let text = page_text(p);
        assert!(
            text.contains(&squeeze(&format!("الصفحة {p} من {n}"))),
            "page {p}: {text}"
        );
        assert!(text.contains(&number), "page {p} names the document");
        if p > 1 {
            assert!(
                text.contains(&squeeze("تابع")),
                "page {p} says it continues"
            );
        }
    }
    // The QR is on the last page only, and verifies.
    for p in 1..=n {
        let prefix = dir.path().join(format!("p{p}"));
        run(
            &pdftoppm,
            &[
                "-r",
                "150",
                "-png",
                "-singlefile",
                "-f",
                &p.to_string(),
                "-l",
                &p.to_string(),
                pdf.to_str().unwrap(),
                prefix.to_str().unwrap(),
            ],
        );
        let png = std::fs::read(dir.path().join(format!("p{p}.png"))).unwrap();
        let found = qr::decode_image(&png);
        if p == n {
            assert_eq!(found.unwrap(), vec![seal.text.clone()]);
        } else {
            assert!(found.is_err(), "no seal on page {p}");
        }
    }
}

/// The Levantine month names, written out here (not taken from the code
/// under test).
const LEVANTINE_MONTHS: [&str; 12] = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
];

/// The command line's whole document path on one request: a draft (no
/// seal), the sealed original to a file (`print --pdf`), then `render`
/// again, which gives a copy for reading: marked COPY, unsealed, no state
/// change, with Arabic-Indic digits on request and its PNG preview. The
/// original's seal is read from its metadata and verifies; one changed
/// character in it and `seal verify --pdf` refuses the file.
#[test]
fn the_cli_prints_an_original_and_renders_drafts_and_copies_without_a_seal() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let (dir, store) = demo_store(300);
    let code = find(&store, "state = 'approved' AND paid = 1");
    drop(store);
    let d = dir.path();
    let file = |name: &str| d.join(name).to_str().unwrap().to_owned();
    let run_cli = |args: &[&str]| {
        let out = cli(d, args, Some(PIN), None);
        assert_eq!(exit_code(&out), 0, "{args:?}: {}", stderr(&out));
        out
    };
    let text_of = |name: &str| run(&pdftotext, &[&file(name), "-"]);

    run_cli(&[
        "--user",
        "clerk1",
        "render",
        &code,
        "--out",
        &file("draft.pdf"),
    ]);
    let draft = std::fs::read(d.join("draft.pdf")).unwrap();
    assert!(citizen_desk::seal::seal_from_pdf(&draft).is_none());
    assert!(squeeze(&text_of("draft.pdf")).contains("DRAFT"));

    let out = run_cli(&[
        "--lang",
        "en",
        "--user",
        "clerk1",
        "print",
        &code,
        "--pdf",
        &file("original.pdf"),
    ]);
    assert!(stdout(&out).contains("sealed original"), "{}", stdout(&out));
    let original = std::fs::read(d.join("original.pdf")).unwrap();
    let seal = citizen_desk::seal::seal_from_pdf(&original).expect("the original is sealed");
    let text = squeeze(&text_of("original.pdf"));
    assert!(!text.contains("COPY") && !text.contains("DRAFT"), "{text}");

    let (store, req) = {
        let mut store = Store::open(d).unwrap();
        let req = read_request(&mut store, &code);
        (store, req)
    };
    assert_eq!(
        state_of(&store, &code).0,
        citizen_desk::domain::State::Printed
    );
    // The written-out date of issue, with its Levantine month: the day it
    // was sealed (printed), after every stamp.
    let printed = store
        .audit_rows(1000)
        .unwrap()
        .into_iter()
        .find(|e| e.action == "print" && e.subject == req.id)
        .expect("the print is in the log");
    let issued = chrono::DateTime::parse_from_rfc3339(&printed.at)
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert!(req.stamps.iter().all(|s| s.stamped_at <= issued));
    let issued = issued.with_timezone(&chrono_tz::Asia::Damascus);
    use chrono::Datelike as _;
    let long = format!(
        "{} {} {}",
        issued.day(),
        LEVANTINE_MONTHS[issued.month0() as usize],
        issued.year()
    );
    assert!(text.contains(&squeeze(&long)), "{long}: {text}");
    // Each stamp under its supervisor's full name (the demo staff have one).
    let names = store.full_names().unwrap();
    assert!(!req.stamps.is_empty());
    for stamp in &req.stamps {
        let full = &names[&stamp.supervisor];
        assert!(text.contains(&squeeze(full)), "{full}: {text}");
    }
    drop(store);

    run_cli(&[
        "--user",
        "clerk1",
        "render",
        &code,
        "--out",
        &file("copy.pdf"),
        "--preview",
        &file("copy.png"),
        "--arabic-digits",
    ]);
    let copy = std::fs::read(d.join("copy.pdf")).unwrap();
    assert!(
        citizen_desk::seal::seal_from_pdf(&copy).is_none(),
        "a rendered copy is never sealed"
    );
    let text = squeeze(&text_of("copy.pdf"));
    assert!(text.contains("COPY") && text.contains("نسخة"), "{text}");
    // Dates in Arabic-Indic digits; codes as typed.
    let short = issued.format("%d/%m/%Y").to_string();
    assert!(text.contains(&arabic_indic(&short)), "{short}: {text}");
    assert!(
        text.contains(&squeeze(&arabic_indic(&long))),
        "{long}: {text}"
    );
    assert!(
        text.contains(req.document_number.as_deref().unwrap()),
        "{text}"
    );
    assert!(
        text.contains(&arabic_indic(req.national_id.as_str())),
        "{text}"
    );
    assert!(
        std::fs::read(d.join("copy.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    let store = Store::open(d).unwrap();
    assert_eq!(
        state_of(&store, &code).0,
        citizen_desk::domain::State::Printed
    );
    let printed: i64 = store
        .connection()
        .query_row(
            "SELECT printed_count FROM requests WHERE tracking_code = ?1",
            [&code],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(printed, 1, "a render is not a print");
    let tail = store.audit_rows(1).unwrap();
    assert_eq!(
        (tail[0].action.as_str(), tail[0].detail.as_str()),
        ("render", "copy")
    );
    drop(store);

    // The seal in the metadata verifies; one character changed, it does not.
    let verify = |name: &str| cli(d, &["seal", "verify", "--pdf", &file(name)], None, None);
    assert_eq!(exit_code(&verify("original.pdf")), 0);
    let at = original
        .windows(seal.len())
        .position(|w| w == seal.as_bytes())
        .expect("the seal text is in the file as written");
    let k = at + seal.len() / 2;
    let mut tampered = original.clone();
    tampered[k] = if tampered[k] == b'A' { b'B' } else { b'A' };
    std::fs::write(d.join("tampered.pdf"), &tampered).unwrap();
    let out = verify("tampered.pdf");
    assert_ne!(exit_code(&out), 0, "{}", stdout(&out));
}

/// Sync shows the envelopes other desks of the center made as enveloped
/// here too; the hand-over batch takes only this desk's own. The manifest
/// counts them by delivery place, in the digits asked for.
#[test]
fn dispatch_hands_over_only_this_desks_envelopes() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let (dir, store) = demo_store(300);
    let d = dir.path();
    let ours = find(&store, "state = 'printed'");
    let theirs = find(
        &store,
        &format!("state = 'printed' AND tracking_code <> '{ours}'"),
    );
    // As a pull from the hub leaves another desk's envelope.
    store
        .connection()
        .execute(
            "UPDATE requests SET state = 'enveloped', enveloped_at_desk = NULL WHERE tracking_code = ?1",
            [&theirs],
        )
        .unwrap();
    let held_before = store.envelopes_held().unwrap();
    drop(store);
    let label = d.join("label.pdf");
    let out = cli(
        d,
        &[
            "--user",
            "clerk1",
            "envelope",
            &ours,
            "--out",
            label.to_str().unwrap(),
            "--a4",
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let text = squeeze(&run(&pdftotext, &[label.to_str().unwrap(), "-"]));
    assert!(text.contains(&ours), "A4 label: {text}");
    let store = Store::open(d).unwrap();
    assert_eq!(store.envelopes_held().unwrap(), held_before + 1);
    let (to_centers, to_homes): (i64, i64) = store
        .connection()
        .query_row(
            "SELECT sum(delivery_kind = 'center'), sum(delivery_kind <> 'center') FROM requests
             WHERE state = 'enveloped' AND enveloped_at_desk IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(store);

    let manifest = d.join("manifest.pdf");
    let out = cli(
        d,
        &[
            "--user",
            "clerk1",
            "dispatch",
            "--out",
            manifest.to_str().unwrap(),
            "--arabic-digits",
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let store = Store::open(d).unwrap();
    assert_eq!(
        state_of(&store, &ours).0,
        citizen_desk::domain::State::Dispatched
    );
    assert_eq!(
        state_of(&store, &theirs).0,
        citizen_desk::domain::State::Enveloped,
        "another desk's envelope stays out of this batch"
    );
    assert_eq!(store.envelopes_held().unwrap(), 0);
    let text = squeeze(&run(&pdftotext, &[manifest.to_str().unwrap(), "-"]));
    assert!(text.contains(&ours) && !text.contains(&theirs), "{text}");
    let n = |v: i64| arabic_indic(&v.to_string());
    let counts = format!(
        "عدد المغلفات: {} (إلى عناوين المواطنين: {}، إلى مراكز التسليم: {})",
        n(to_centers + to_homes),
        n(to_homes),
        n(to_centers)
    );
    // Poppler moves brackets and commas around numbers: compare the rest.
    let plain = |t: &str| {
        squeeze(t)
            .chars()
            .filter(|c| !matches!(c, '(' | ')' | '،' | ':'))
            .collect::<String>()
    };
    assert!(plain(&text).contains(&plain(&counts)), "{counts}\n{text}");
}

/// A value longer than its column (a court's full name and address)
/// wraps inside the page's margins instead of running off the left edge.
#[test]
fn long_field_values_wrap_inside_the_margins() {
    let (_dir, mut store) = demo_store(300);
    let code = find(&store, "service = 'marriage'");
    let mut req = read_request(&mut store, &code);
    let court = "المحكمة الشرعية الأولى في دمشق (الدائرة 2010)، القاعة 2015، الطابق الثاني، مبنى القصر العدلي، شارع النصر 2020، الرقم 2025";
    req.document.insert("court".into(), court.into());
    let templates = Templates::builtin(store.catalog()).unwrap();
    let pages = render_document(&RenderInput {
        request: &req,
        catalog: store.catalog(),
        templates: &templates,
        center_name: "TRT01",
        mark: Mark::Draft,
        seal: None,
        issued: Utc::now(),
        digits: Digits::Latin,
        place: None,
        copy: None,
        demo: false,
        deployment: &Deployment::default(),
    })
    .unwrap();
    let page_width = pages[0].width;
    let mut value_lines = 0;
    for item in &pages[0].items {
        if let Item::Text { x, line, angle, .. } = item {
            if *angle != 0.0 {
                continue; // the watermark
            }
            let right = x + line.width / citizen_desk::documents::layout::PT_PER_MM;
            assert!(
                *x >= 15.0 && right <= page_width - 15.0,
                "text from {x:.1} to {right:.1} mm leaves the page's margins"
            );
            // Glyphs are in visual order; the years read left to right.
            let text: String = line.glyphs.iter().map(|g| g.text.as_str()).collect();
            if ["2010", "2015", "2020", "2025"]
                .iter()
                .any(|y| text.contains(y))
            {
                value_lines += 1;
            }
        }
    }
    assert!(
        value_lines >= 2,
        "the value wrapped onto {value_lines} lines"
    );
}

#[test]
fn a_bracket_drawn_mirrored_and_plain_copies_back_as_written() {
    use citizen_desk::documents::text::shape_line;
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    // On a right-to-left line the pair around the Arabic word is mirrored
    // (the opening bracket drawn with the glyph of ")" and the closing one
    // with that of "("); the last bracket sits between Latin words and is
    // drawn as it is: one glyph stands for both brackets on this line.
    let line = shape_line("(تابع) ABC (DEF", 12.0, false, true);
    let mut texts_of: std::collections::HashMap<_, std::collections::BTreeSet<&str>> =
        Default::default();
    for g in &line.glyphs {
        texts_of
            .entry((g.font, g.id))
            .or_default()
            .insert(g.text.as_str());
    }
    assert!(
        texts_of
            .values()
            .any(|texts| texts.contains("(") && texts.contains(")")),
        "the line no longer draws one glyph for both brackets: {texts_of:?}"
    );
    let page = Page {
        width: 210.0,
        height: 297.0,
        items: vec![Item::Text {
            x: 20.0,
            baseline: 40.0,
            line,
            gray: 0.0,
            angle: 0.0,
        }],
    };
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("brackets.pdf");
    std::fs::write(
        &pdf,
        write_pdf(
            &[page],
            &PdfInfo {
                title: "brackets",
                seal: None,
            },
        ),
    )
    .unwrap();
    let text = run(&pdftotext, &[pdf.to_str().unwrap(), "-"]);
    // Poppler moves brackets about next to Latin words: count them. (With
    // one code for the glyph, all three of its brackets read the same.)
    let opening = text.matches('(').count();
    let closing = text.matches(')').count();
    assert_eq!((opening, closing), (2, 1), "pdftotext gave {text:?}");
    let squeezed = squeeze(&text);
    for word in ["تابع", "ABC", "DEF"] {
        assert!(squeezed.contains(word), "{word} missing from {text:?}");
    }
}

#[test]
fn a_manifest_shows_long_names_and_places_whole_inside_their_columns() {
    use citizen_desk::documents::labels::{Handover, manifest};
    use citizen_desk::documents::layout::PT_PER_MM;
    use citizen_desk::domain::DeliveryPlace;
    let (_dir, mut store) = demo_store(300);
    let code = find(&store, "state = 'printed'");
    let base = read_request(&mut store, &code);
    let templates = Templates::builtin(store.catalog()).unwrap();
    let make = |requests: &[citizen_desk::domain::Request]| {
        let handover = Handover {
            batch: "TRT01-D01-B20261129-0001",
            center: "TRT01",
            clerk: "clerk1",
            at: Utc::now(),
            requests,
            digits: Digits::Latin,
        };
        manifest(&handover, &templates, store.catalog())
    };
    // Row numbers, as the lines of text that are exactly a number.
    let numbers = |pages: &[Page]| -> Vec<usize> {
        let mut found = Vec::new();
        for page in pages {
            for item in &page.items {
                // The first column's texts, right-aligned at the margin.
                if let Item::Text { x, line, .. } = item
                    && x + line.width / PT_PER_MM > page.width - 15.5
                {
                    let text: String = line.glyphs.iter().map(|g| g.text.as_str()).collect();
                    if let Ok(n) = text.parse::<usize>() {
                        found.push(n);
                    }
                }
            }
        }
        found
    };
    // An empty batch is one page; one destination's heading and 18
    // one-line rows fill a last page down to the hand-over's room, the
    // 19th goes on to another (under its heading again).
    assert_eq!(make(&[]).len(), 1);
    let short: Vec<_> = (0..19)
        .map(|i| {
            let mut r = base.clone();
            r.tracking_code = format!("RR2{i:08}SY");
            r.delivery.place = DeliveryPlace::Center {
                center: "مركز خدمة المواطن في حماة".into(),
            };
            r
        })
        .collect();
    assert_eq!(make(&short[..18]).len(), 1);
    assert_eq!(make(&short).len(), 2);
    assert_eq!(numbers(&make(&short)), (1..=19).collect::<Vec<_>>());

    let long_place =
        "ريف دمشق، جرمانا، حي القريات، شارع الخضر، مقابل مدرسة الشهيد باسل، بناء 12، طابق 3، شقة 7";
    let endless_place = "حي الميدان، ".repeat(200);
    let mut requests = Vec::new();
    for i in 0..40 {
        let mut r = base.clone();
        r.tracking_code = format!("RR1{i:08}SY");
        if i % 3 == 0 {
            r.delivery.place = DeliveryPlace::Address {
                address: long_place.into(),
            };
            r.name.first = "عبد الرحمن محمد سعيد".into();
        }
        if i == 4 {
            // One number that no line break can split.
            r.delivery.phone = "+963-944-123-456-789".into();
        }
        if i == 5 {
            // Groups a right-to-left line would order right to left.
            r.delivery.phone = "+963 944 123 456".into();
        }
        if i == 10 {
            // Latin commas with no space after them: one word to UAX #14
            // (an Arabic comma allows a break after it).
            r.delivery.place = DeliveryPlace::Address {
                address: "دمشق,المزة,شارع_الجلاء,مقابل_جامع_الأكرم;بناء_الأطباء,طابق_3,شقة_الدكتور_محمد_الحلبي,قرب_الصيدلية_المركزية".into(),
            };
            // Too long for its column even at the smallest size.
            r.delivery.phone = "0944 123 456 / 0933 111 222 / 011 2233445 (أبو محمد)".into();
        }
        if i == 7 {
            r.delivery.place = DeliveryPlace::Address {
                address: endless_place.clone(),
            };
        }
        requests.push(r);
    }
    let pages = make(&requests);
    assert!(
        pages.len() >= 2,
        "40 rows, a third of them long, on one page"
    );
    // Phone numbers read left to right, "+" first, groups in order.
    let visual: Vec<String> = pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|item| match item {
            Item::Text { line, .. } => Some(
                line.glyphs
                    .iter()
                    .map(|g| g.text.as_str())
                    .collect::<String>()
                    .replace(['\u{2066}', '\u{2069}', '\u{202D}', '\u{202C}'], ""),
            ),
            _ => None,
        })
        .collect();
    for phone in ["+963 944 123 456", "+963-944-123-456-789"] {
        assert!(
            visual.iter().any(|line| line == phone),
            "{phone} is not drawn in its own order"
        );
    }
    assert_eq!(numbers(&pages), (1..=40).collect::<Vec<_>>());
    // No two pieces of text overlap, all stay inside the margins, and the
    // table (its rules and its headings' bands) stays above the last
    // page's hand-over line (baseline 231 mm, 11 pt: its top at 227 mm).
    for (n, page) in pages.iter().enumerate() {
        let mut boxes: Vec<(f32, f32, f32, f32)> = Vec::new(); // left, right, top, bottom
        for item in &page.items {
            if let Item::Text {
                x, baseline, line, ..
            } = item
            {
                let size_mm = line.size / PT_PER_MM;
                boxes.push((
                    *x,
                    x + line.width / PT_PER_MM,
                    baseline - 0.8 * size_mm,
                    baseline + 0.3 * size_mm,
                ));
            }
        }
        for (i, a) in boxes.iter().enumerate() {
            assert!(
                a.0 >= 15.0 - 0.01 && a.1 <= page.width - 15.0 + 0.01 && a.3 <= page.height - 10.0,
                "page {}: {a:?} outside the margins",
                n + 1
            );
            for b in &boxes[i + 1..] {
                let apart = a.1 <= b.0 || b.1 <= a.0 || a.3 <= b.2 || b.3 <= a.2;
                assert!(apart, "page {}: texts at {a:?} and {b:?} overlap", n + 1);
            }
        }
        if n + 1 == pages.len() {
            let signatures = 231.0 - 0.8 * 11.0 / PT_PER_MM;
            let table_bottom = page
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Line { y1, .. } => Some(*y1),
                    Item::Rect { y, h, .. } => Some(y + h),
                    _ => None,
                })
                .fold(0.0, f32::max);
            assert!(
                table_bottom < signatures,
                "the table ends at {table_bottom:.1} mm, into the signatures"
            );
        }
    }

    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("manifest.pdf");
    std::fs::write(
        &pdf,
        write_pdf(
            &pages,
            &PdfInfo {
                title: "manifest",
                seal: None,
            },
        ),
    )
    .unwrap();
    let text = run(&pdftotext, &[pdf.to_str().unwrap(), "-"]);
    // Every code and phone is listed, and every place comes back whole
    // (compared by letters: poppler moves numbers next to Arabic commas),
    // but the endless one, cut after six lines with "…".
    let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).collect::<String>();
    let all_letters = letters(&text);
    for r in &requests {
        assert!(
            text.contains(&r.tracking_code),
            "{} missing",
            r.tracking_code
        );
        let cut = r.delivery.phone.contains('/');
        assert_eq!(
            squeeze(&text).contains(&squeeze(&r.delivery.phone)),
            !cut,
            "{} whole, or cut with …",
            r.delivery.phone
        );
        if cut {
            assert!(
                visual
                    .iter()
                    .any(|l| l.starts_with("0944 123 456 / 0933") && l.ends_with('…')),
                "the long phone, cut with …"
            );
        }
        let place = match &r.delivery.place {
            DeliveryPlace::Address { address } => address.clone(),
            DeliveryPlace::Center { center } => center.clone(),
        };
        if place != endless_place {
            assert!(
                all_letters.contains(&letters(&place)),
                "{place} is not whole"
            );
        }
    }
    assert!(
        text.contains('…'),
        "the endless place is cut with an ellipsis"
    );
    assert!(all_letters.contains(&letters("عبد الرحمن محمد سعيد")));
    for page in 1..=pages.len() {
        assert!(
            squeeze(&text).contains(&squeeze(&format!("{page} من {}", pages.len()))),
            "page {page} of {} is numbered",
            pages.len()
        );
    }
}

#[test]
fn a_hand_edited_request_is_not_sealed() {
    let (_dir, mut store) = demo_store(600);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    // Verified, no stamps yet; then moved to approved by hand (the
    // triggers of the audit log do not guard the requests table), or
    // pulled so from a forged hub answer.
    let code = find(
        &store,
        "state = 'verified' AND paid = 1 AND stamps_required = 2 \
         AND NOT EXISTS (SELECT 1 FROM stamps s WHERE s.request_id = requests.id)",
    );
    store
        .connection()
        .execute(
            "UPDATE requests SET state = 'approved' WHERE tracking_code = ?1",
            [&code],
        )
        .unwrap();
    let outbox = store.outbox_len().unwrap();
    let r = RequestRef::parse(&code).unwrap();
    let mut delivered = false;
    let err = store
        .print_document(&clerk, &r, None, Digits::Latin, |_| {
            delivered = true;
            Ok(())
        })
        .unwrap_err();
    assert!(!delivered, "nothing reaches paper or a file");
    let text = err.message().text(citizen_desk::i18n::Lang::En);
    assert!(
        text.contains("does not hold") && text.contains("stamps missing: 0 of 2"),
        "{text}"
    );
    assert!(!err.message().text(citizen_desk::i18n::Lang::Ar).is_ascii());
    assert_eq!(
        state_of(&store, &code).0,
        citizen_desk::domain::State::Approved
    );
    assert_eq!(store.outbox_len().unwrap(), outbox, "nothing queued");
    let tail = store.audit_rows(1).unwrap();
    assert_eq!(tail[0].action, "refused", "{tail:?}");
}

/// `UPDATE requests SET paid = 1` on an unpaid request no longer makes a
/// sealed original: the hub's (here the demo's) signature covers the
/// payment facts the row had, and the edited row no longer matches them.
/// `seal make` refuses it too; the same row, put back, prints.
#[test]
fn a_payment_edited_by_hand_is_not_sealed() {
    let (_dir, mut store) = demo_store(600);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let approved: Vec<String> = store
        .connection()
        .prepare("SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 1 ORDER BY tracking_code LIMIT 3")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(approved.len(), 3);
    // Approved, paid requests with one payment fact changed by hand each.
    for (paid, (edit, undo)) in approved.iter().zip([
        (
            "UPDATE requests SET fee_syp = fee_syp + 1 WHERE tracking_code = ?1",
            "UPDATE requests SET fee_syp = fee_syp - 1 WHERE tracking_code = ?1",
        ),
        (
            "UPDATE requests SET bank = 'XX' WHERE tracking_code = ?1",
            "",
        ),
        (
            "UPDATE requests SET payment_page = NULL WHERE tracking_code = ?1",
            "",
        ),
    ]) {
        store.connection().execute(edit, [paid]).unwrap();
        let outbox = store.outbox_len().unwrap();
        let r = RequestRef::parse(paid).unwrap();
        let mut delivered = false;
        let err = store
            .print_document(&clerk, &r, None, Digits::Latin, |_| {
                delivered = true;
                Ok(())
            })
            .unwrap_err();
        assert!(!delivered, "{edit}: nothing reaches paper or a file");
        let text = err.message().text(citizen_desk::i18n::Lang::En);
        assert!(
            text.contains("does not vouch for this request's payment"),
            "{edit}: {text}"
        );
        assert!(!err.message().text(citizen_desk::i18n::Lang::Ar).is_ascii());
        assert_eq!(store.outbox_len().unwrap(), outbox, "nothing queued");
        let tail = store.audit_rows(1).unwrap();
        assert_eq!(tail[0].action, "refused", "{tail:?}");
        let err = store.seal_make(&clerk, &r).unwrap_err();
        assert!(
            err.message()
                .text(citizen_desk::i18n::Lang::En)
                .contains("does not vouch"),
            "seal make: {err}"
        );
        if !undo.is_empty() {
            store.connection().execute(undo, [paid]).unwrap();
            store
                .print_document(&clerk, &r, None, Digits::Latin, |_| Ok(()))
                .expect("the row as the hub signed it prints");
        }
    }

    // The attack of the report: an unpaid request marked paid by hand.
    let unpaid = find(&store, "state = 'approved' AND paid = 0");
    store
        .connection()
        .execute(
            "UPDATE requests SET paid = 1 WHERE tracking_code = ?1",
            [&unpaid],
        )
        .unwrap();
    let r = RequestRef::parse(&unpaid).unwrap();
    let err = store
        .print_document(&clerk, &r, None, Digits::Latin, |_| Ok(()))
        .unwrap_err();
    assert!(
        err.message()
            .text(citizen_desk::i18n::Lang::En)
            .contains("does not vouch"),
        "{err}"
    );
    assert_eq!(
        state_of(&store, &unpaid).0,
        citizen_desk::domain::State::Approved
    );
}

/// What each kind of paper claims, read back with pdftotext: a draft no
/// issue date, validity, place of issue or hint; a sealed original of a
/// demo store its center by name, «صدرت في طرطوس بتاريخ …», a hint that
/// names no program, and the «نموذج — DEMO» mark; an authorised copy
/// «نسخة رقم n — صُدِّقت من» its authoriser's full name.
#[test]
fn drafts_claim_nothing_originals_say_where_copies_say_who() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let (dir, mut store) = demo_store(600);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let text_of = |bytes: &[u8], name: &str| -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        squeeze(&run(&pdftotext, &[path.to_str().unwrap(), "-"]))
    };
    let code = find(&store, "state = 'approved' AND paid = 1");
    let r = RequestRef::parse(&code).unwrap();
    let draft = store.render_document(&clerk, &r, Digits::Latin).unwrap();
    let draft = text_of(&draft.pdf, "draft.pdf");
    for absent in ["تاريخالإصدار", "صالحةحتى", "صدرتفي", "للتحقق"] {
        assert!(!draft.contains(absent), "a draft claims {absent}:\n{draft}");
    }
    assert!(draft.contains("مسودة"), "{draft}");

    let mut saved = Vec::new();
    store
        .print_document(&clerk, &r, None, Digits::Latin, |pdf| {
            saved = pdf.to_vec();
            Ok(())
        })
        .unwrap();
    let original = text_of(&saved, "original.pdf");
    for present in [
        "مركز خدمة المواطن الإلكتروني في طرطوس",
        "صدرت في طرطوس بتاريخ",
        "تاريخ الإصدار",
        "نموذج — DEMO",
        "للتحقق من صحة هذه الوثيقة",
    ] {
        assert!(
            original.contains(&squeeze(present)),
            "{present}:\n{original}"
        );
    }
    assert!(
        !original.contains("citizen-desk"),
        "the hint names a program"
    );

    let sup = store.sign_in("supervisor2", PIN).unwrap();
    let full: String = store
        .connection()
        .query_row(
            "SELECT full_name FROM users WHERE name = 'supervisor2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut copy = Vec::new();
    store
        .print_document(&clerk, &r, Some((&sup, PIN)), Digits::Latin, |pdf| {
            copy = pdf.to_vec();
            Ok(())
        })
        .unwrap();
    let copy = text_of(&copy, "copy.pdf");
    // (pdftotext puts the number and the dash in either order, and the
    // vowel marks in the order the text map has them.)
    let bare = |s: &str| -> String {
        s.chars()
            .filter(|c| !('\u{064B}'..='\u{0652}').contains(c))
            .collect()
    };
    assert!(
        copy.contains("نسخةرقم")
            && bare(&copy).contains(&bare(&squeeze(&format!("صدقت من {full}")))),
        "{copy}"
    );
}

/// The certifying sentence, the labels and the values agree with the
/// citizen: a woman is «المواطنة المذكورة … غير محكوم عليها», a man
/// «المواطن المذكور … غير محكوم عليه»; a married woman's spouse is «اسم
/// الزوج». Never both forms with a slash.
#[test]
fn a_document_agrees_with_the_citizens_sex() {
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let (dir, mut store) = demo_store(1500);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let mut text = |condition: &str, name: &str| -> String {
        let code = find(&store, condition);
        let r = RequestRef::parse(&code).unwrap();
        let doc = store.render_document(&clerk, &r, Digits::Latin).unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, &doc.pdf).unwrap();
        squeeze(&run(&pdftotext, &[path.to_str().unwrap(), "-"]))
    };
    let woman = text("service = 'criminal_record' AND sex = 'female'", "w.pdf");
    assert!(
        woman.contains(&squeeze("المواطنة المذكورة أدناه غير محكوم عليها")),
        "{woman}"
    );
    assert!(!woman.contains(&squeeze("المواطن المذكور")), "{woman}");
    let man = text("service = 'criminal_record' AND sex = 'male'", "m.pdf");
    assert!(
        man.contains(&squeeze("المواطن المذكور أدناه غير محكوم عليه")),
        "{man}"
    );
    let employed = text("service = 'not_employed' AND sex = 'female'", "n.pdf");
    assert!(
        employed.contains(&squeeze("تشهد وزارة الشؤون الاجتماعية والعمل بأن المواطنة")),
        "{employed}"
    );
    assert!(employed.contains(&squeeze("غير عاملة")), "{employed}");
    let married = text("service = 'marriage' AND sex = 'female'", "x.pdf");
    assert!(married.contains(&squeeze("اسم الزوج")), "{married}");
    assert!(!married.contains("الزوج/الزوجة"), "{married}");
    assert!(!married.contains("اسمالزوجة"), "{married}");
}

/// A sealed original is an archival PDF/A-2u file: PDF 1.7 with a binary
/// header line, XMP metadata (unfiltered) that names part 2, level U and
/// repeats the information dictionary's title and subject, an sRGB output
/// intent, the language ar-SY, the title shown as the document's name, a
/// file identifier, every font embedded and subset with a Unicode map,
/// and nothing transparent. Checked with lopdf, poppler and qpdf (no
/// PDF/A validator installs from the registries this project reaches).
#[test]
fn a_sealed_original_is_an_archival_pdf_a_2u_file() {
    use lopdf::Object;
    let (Some(pdfinfo), Some(pdffonts), Some(qpdf)) =
        (tool("pdfinfo"), tool("pdffonts"), tool("qpdf"))
    else {
        return;
    };
    let (dir, mut store) = demo_store(300);
    let code = find(&store, "state = 'approved' AND paid = 1");
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let reference = RequestRef::parse(&code).unwrap();
    let doc = store
        .print_document(&clerk, &reference, None, Digits::Latin, |_| Ok(()))
        .unwrap();
    let req = read_request(&mut store, &code);
    let path = dir.path().join("original.pdf");
    std::fs::write(&path, &doc.pdf).unwrap();
    let file = path.to_str().unwrap();

    assert!(doc.pdf.starts_with(b"%PDF-1.7\n%"));
    assert!(
        doc.pdf[10..14].iter().all(|b| *b >= 128),
        "a binary comment"
    );
    let pdf = lopdf::Document::load_mem(&doc.pdf).unwrap();
    let catalog = pdf.catalog().unwrap();
    let text = |o: &Object| -> String {
        let bytes = o.as_str().unwrap();
        match bytes.strip_prefix(&[0xFE, 0xFF]) {
            Some(utf16) => String::from_utf16(
                &utf16
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect::<Vec<_>>(),
            )
            .unwrap(),
            None => String::from_utf8(bytes.to_vec()).unwrap(),
        }
    };
    assert_eq!(text(catalog.get(b"Lang").unwrap()), "ar-SY");
    let viewer = catalog
        .get(b"ViewerPreferences")
        .unwrap()
        .as_dict()
        .unwrap();
    assert!(viewer.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());

    // The XMP packet: unfiltered, part 2, level U, the same title and
    // subject as the information dictionary.
    let metadata = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let metadata = pdf.get_object(metadata).unwrap().as_stream().unwrap();
    assert!(metadata.dict.get(b"Filter").is_err(), "PDF/A: no filter");
    let xmp = String::from_utf8(metadata.content.clone()).unwrap();
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(xmp.contains("<pdfaid:conformance>U</pdfaid:conformance>"));
    let info = pdf.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let info = pdf.get_object(info).unwrap().as_dict().unwrap();
    let title = text(info.get(b"Title").unwrap());
    let service = store.catalog().service(&req.service).unwrap();
    assert!(title.starts_with(&service.name_ar), "{title}");
    assert!(title.contains(req.document_number.as_deref().unwrap()));
    let li = |field: &str| -> String {
        let at = xmp.find(&format!("<dc:{field}>")).expect(field);
        let rest = &xmp[at..];
        let start = rest.find("x-default\">").unwrap() + "x-default\">".len();
        rest[start..start + rest[start..].find("</rdf:li>").unwrap()].to_owned()
    };
    assert_eq!(li("title"), title);
    assert_eq!(li("description"), text(info.get(b"Subject").unwrap()));
    assert_eq!(text(info.get(b"Producer").unwrap()), "citizen-desk");
    assert!(xmp.contains("<pdf:Producer>citizen-desk</pdf:Producer>"));
    assert!(info.get(b"CreationDate").is_err() && info.get(b"ModDate").is_err());

    // The output intent: sRGB, an ICC profile of three components.
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = intents[0].as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    let profile = intent
        .get(b"DestOutputProfile")
        .unwrap()
        .as_reference()
        .unwrap();
    let profile = pdf.get_object(profile).unwrap().as_stream().unwrap();
    assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let icc = profile.decompressed_content().unwrap();
    assert_eq!(&icc[36..40], b"acsp");
    assert_eq!(&icc[16..20], b"RGB ");

    // A file identifier, made once and not changed since.
    let id = pdf.trailer.get(b"ID").unwrap().as_array().unwrap();
    assert_eq!(id.len(), 2);
    assert_eq!(id[0], id[1]);

    // Nothing transparent: no soft masks, no constant alpha below 1, no
    // transparency groups.
    for object in pdf.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        assert!(dict.get(b"SMask").is_err() && dict.get(b"Group").is_err());
        for key in [&b"CA"[..], &b"ca"[..]] {
            if let Ok(alpha) = dict.get(key) {
                assert_eq!(alpha.as_float().unwrap(), 1.0);
            }
        }
    }

    // What independent tools read.
    let info = run(&pdfinfo, &[file]);
    assert!(info.contains("PDF version:     1.7"), "{info}");
    assert!(info.contains("Metadata Stream: yes"), "{info}");
    let fonts = run(&pdffonts, &[file]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // emb, sub, uni: yes yes yes
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "{row}"
        );
    }
    let check = Command::new(&qpdf)
        .args(["--check", file])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// The deployment's emblem (the file the ministry supplies) heads a sealed
/// original, in its colours, at the top centre; the deployment's own
/// verification sentence replaces the general one. A draft has neither
/// emblem nor sentence. Only an admin sets them, through the real command
/// line; a file that is not a picture is refused in both languages.
/// Checked with poppler: pdfimages lists the picture, pdftoppm draws it,
/// pdftotext reads the sentence.
#[test]
fn a_deployment_prints_its_own_emblem_and_verification_sentence() {
    let (Some(pdfimages), Some(pdftoppm), Some(pdftotext)) =
        (tool("pdfimages"), tool("pdftoppm"), tool("pdftotext"))
    else {
        return;
    };
    let (dir, store) = demo_store(300);
    let approved = find(&store, "state = 'approved' AND paid = 1");
    let received = find(&store, "state = 'received'");
    drop(store);
    let emblem = dir.path().join("emblem.png");
    std::fs::write(&emblem, emblem_png(300, 300)).unwrap();
    let not_a_picture = dir.path().join("emblem.pdf");
    std::fs::write(&not_a_picture, b"%PDF-1.7 a letter, not a picture").unwrap();
    let emblem = emblem.to_str().unwrap();
    let hint =
        "للتحقق من هذه الوثيقة اعرضها على أمانة السجل المدني في طرطوس أو على أي مركز لخدمة المواطن";

    let clerk = cli(
        dir.path(),
        &["--user", "clerk1", "deployment", "--emblem", emblem],
        Some(PIN),
        None,
    );
    assert_ne!(exit_code(&clerk), 0, "a clerk may not set the emblem");
    assert!(
        stderr(&clerk).contains("Not allowed: the clerk role may not"),
        "refused for the role, not for another reason: {}",
        stderr(&clerk)
    );
    let bad = cli(
        dir.path(),
        &[
            "--user",
            "admin",
            "deployment",
            "--emblem",
            not_a_picture.to_str().unwrap(),
        ],
        Some(PIN),
        None,
    );
    assert_ne!(exit_code(&bad), 0);
    assert!(
        stderr(&bad).contains("ليس صورة PNG أو JPEG"),
        "{}",
        stderr(&bad)
    );
    assert!(
        stderr(&bad).contains("not a PNG or JPEG"),
        "{}",
        stderr(&bad)
    );
    let set = cli(
        dir.path(),
        &[
            "--user",
            "admin",
            "--json",
            "deployment",
            "--emblem",
            emblem,
            "--verify-hint",
            hint,
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&set), 0, "{}", stderr(&set));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&set)).unwrap();
    assert_eq!(shown["emblem"]["width"], 300);
    assert_eq!(shown["verify_hint"], hint);

    let mut store = Store::open(dir.path()).unwrap();
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let original = store
        .print_document(
            &clerk,
            &RequestRef::parse(&approved).unwrap(),
            None,
            Digits::Latin,
            |_| Ok(()),
        )
        .unwrap();
    let draft = store
        .render_document(
            &clerk,
            &RequestRef::parse(&received).unwrap(),
            Digits::Latin,
        )
        .unwrap();
    let original_pdf = dir.path().join("original.pdf");
    let draft_pdf = dir.path().join("draft.pdf");
    std::fs::write(&original_pdf, &original.pdf).unwrap();
    std::fs::write(&draft_pdf, &draft.pdf).unwrap();
    let original_pdf = original_pdf.to_str().unwrap();

    // One RGB picture, 300 x 300, 8 bits, on page 1; none on the draft.
    let images = run(&pdfimages, &["-list", original_pdf]);
    let rows: Vec<Vec<&str>> = images
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .filter(|cols: &Vec<&str>| cols.get(2) == Some(&"image"))
        .collect();
    assert_eq!(rows.len(), 1, "{images}");
    assert_eq!(
        &rows[0][..8],
        ["1", "0", "image", "300", "300", "rgb", "3", "8"]
    );
    let draft_images = run(&pdfimages, &["-list", draft_pdf.to_str().unwrap()]);
    assert!(
        !draft_images.lines().skip(2).any(|l| l.contains(" image ")),
        "a draft has no emblem: {draft_images}"
    );

    // Drawn red at the top centre (105 mm, 21 mm), white beside it.
    let prefix = dir.path().join("page");
    run(
        &pdftoppm,
        &[
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            original_pdf,
            prefix.to_str().unwrap(),
        ],
    );
    let raster = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
        .unwrap();
    let page = image::open(&raster).unwrap().to_rgb8();
    let px = |mm_x: f32, mm_y: f32| {
        let at = |mm: f32| (mm / 25.4 * 50.0).round() as u32;
        page.get_pixel(at(mm_x), at(mm_y)).0
    };
    let [r, g, b] = px(105.0, 21.0);
    assert!(
        r > 150 && g < 80 && b < 100,
        "emblem red at the top centre: {r} {g} {b}"
    );
    assert!(
        px(93.5, 9.5).iter().all(|c| *c >= 250),
        "transparent is paper: {:?}",
        px(93.5, 9.5)
    );

    let text = squeeze(&run(&pdftotext, &[original_pdf, "-"]));
    assert!(text.contains(&squeeze(hint)), "{text}");
    assert!(
        !text.contains(&squeeze("امسح رمز الختم بقارئ الأختام")),
        "{text}"
    );

    // Back to no emblem and the general sentence.
    drop(store);
    let reset = cli(
        dir.path(),
        &[
            "--user",
            "admin",
            "--json",
            "deployment",
            "--no-emblem",
            "--default-verify-hint",
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&reset), 0, "{}", stderr(&reset));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&reset)).unwrap();
    assert!(
        shown["emblem"].is_null() && shown["verify_hint"].is_null(),
        "{shown}"
    );
}

/// The emblem sits clear of every text of the header, for every service's
/// authority chain and for a wide letterhead as for a tall emblem.
#[test]
fn the_emblem_touches_no_text_of_any_document() {
    use crate::labels::{apart, extent};
    use citizen_desk::documents::emblem::Emblem;
    let (_dir, mut store) = demo_store(400);
    let templates = Templates::builtin(store.catalog()).unwrap();
    let services: Vec<String> = store
        .catalog()
        .services
        .iter()
        .map(|s| s.code.clone())
        .collect();
    for (w, h) in [(400, 100), (100, 400), (300, 300)] {
        let deployment = Deployment {
            emblem: Some(Emblem::from_file_bytes(&emblem_png(w, h)).unwrap()),
            verify_hint: None,
        };
        for service in &services {
            let code = find(&store, &format!("service = '{service}'"));
            let req = read_request(&mut store, &code);
            let pages = render_document(&RenderInput {
                request: &req,
                catalog: store.catalog(),
                templates: &templates,
                center_name: &templates.center_name("TRT01"),
                mark: Mark::Original,
                seal: None,
                issued: Utc::now(),
                digits: Digits::Latin,
                place: templates.place_of_issue("TRT01"),
                copy: None,
                demo: false,
                deployment: &deployment,
            })
            .unwrap();
            let items = &pages[0].items;
            let emblem = items
                .iter()
                .find(|i| matches!(i, Item::Image { .. }))
                .expect("the first page has the emblem");
            for text in items.iter().filter(|i| matches!(i, Item::Text { .. })) {
                assert!(
                    apart(extent(emblem), extent(text)),
                    "{service} ({w}x{h}): the emblem {:?} touches {:?}",
                    extent(emblem),
                    extent(text)
                );
            }
            assert!(
                pages[1..]
                    .iter()
                    .all(|p| !p.items.iter().any(|i| matches!(i, Item::Image { .. }))),
                "only the first page has it"
            );
        }
    }
}

/// The output intent's profile (ours, 520 bytes, `documents/icc.rs`) is
/// sRGB as Little CMS knows it: `transicc` opens it from the PDF and
/// turns colours from it into its own built-in sRGB unchanged (within
/// one level of 255: the fixed-point primaries).
#[test]
fn the_output_intent_is_srgb_to_little_cms() {
    let Some(transicc) = tool("transicc") else {
        return;
    };
    let (dir, mut store) = demo_store(300);
    let code = find(&store, "state = 'approved' AND paid = 1");
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let doc = store
        .print_document(
            &clerk,
            &RequestRef::parse(&code).unwrap(),
            None,
            Digits::Latin,
            |_| Ok(()),
        )
        .unwrap();
    let pdf = lopdf::Document::load_mem(&doc.pdf).unwrap();
    let intents = pdf
        .catalog()
        .unwrap()
        .get(b"OutputIntents")
        .unwrap()
        .as_array()
        .unwrap();
    let intent = intents[0].as_dict().unwrap();
    let profile = intent
        .get(b"DestOutputProfile")
        .unwrap()
        .as_reference()
        .unwrap();
    let profile = pdf.get_object(profile).unwrap().as_stream().unwrap();
    let bytes = profile.decompressed_content().unwrap();
    assert!(
        bytes.len() < 600,
        "a compact profile: {} bytes",
        bytes.len()
    );
    let path = dir.path().join("intent.icc");
    std::fs::write(&path, &bytes).unwrap();

    let colours: Vec<[u32; 3]> = [0u32, 1, 10, 64, 128, 200, 254, 255]
        .iter()
        .flat_map(|&r| {
            [
                [r, 0, 0],
                [0, r, 0],
                [0, 0, r],
                [r, r, r],
                [r, 255 - r, r / 2],
            ]
        })
        .collect();
    let input: String = colours
        .iter()
        .map(|[r, g, b]| format!("{r} {g} {b}\n"))
        .collect();
    let mut child = Command::new(&transicc)
        .args(["-n", "-i"])
        .arg(&path)
        .args(["-o", "*sRGB"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let values: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(values.len(), colours.len() * 3, "{values:?}");
    for (colour, got) in colours.iter().zip(values.chunks(3)) {
        for (want, got) in colour.iter().zip(got) {
            assert!(
                (f64::from(*want) - got).abs() < 1.0,
                "{colour:?} became {got:?}"
            );
        }
    }
}
