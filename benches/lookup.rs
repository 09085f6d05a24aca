//! Lookup by national ID on a 1,000,000-request store: the store's query
//! next to a bare prepared rusqlite query on the same file, and the full
//! lookup (role check + query + its audit row, fsync'd), separately.
//!
//! `cargo bench --bench lookup`. The store is built once (about half a
//! minute) under target/bench-store-1m and reused.

use std::hint::black_box;
use std::path::PathBuf;

use chrono::NaiveDate;
use citizen_desk::demo::{DemoOptions, create_demo};
use citizen_desk::domain::NationalId;
use citizen_desk::store::Store;
use criterion::{Criterion, criterion_group, criterion_main};

const REQUESTS: u64 = 1_000_000;

fn bench_store() -> Store {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-store-1m");
    if let Ok(store) = Store::open(&dir) {
        let n: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
            .unwrap();
        if n as u64 == REQUESTS {
            return store;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "building a {REQUESTS}-request demo store in {} ...",
        dir.display()
    );
    let started = std::time::Instant::now();
    let options = DemoOptions {
        requests: REQUESTS,
        seed: 1,
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    };
    let (store, _) = create_demo(&dir, &options).unwrap();
    eprintln!("built in {:.1} s", started.elapsed().as_secs_f64());
    store
}

fn sample_ids(store: &Store) -> Vec<NationalId> {
    let mut stmt = store
        .connection()
        .prepare("SELECT national_id FROM requests WHERE rowid % 997 = 0 LIMIT 1000")
        .unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|s| NationalId::parse(&s.unwrap()).unwrap())
        .collect()
}

fn lookup(c: &mut Criterion) {
    let mut store = bench_store();
    let ids = sample_ids(&store);
    let mut group = c.benchmark_group("lookup_by_national_id_1m");

    let mut i = 0;
    group.bench_function("store_query", |b| {
        b.iter(|| {
            i = (i + 1) % ids.len();
            black_box(store.lookup_query_unaudited(&ids[i]).unwrap())
        })
    });

    let mut i = 0;
    group.bench_function("bare_rusqlite_query", |b| {
        let conn = store.connection();
        let mut stmt = conn
            .prepare("SELECT * FROM requests WHERE national_id = ?1")
            .unwrap();
        let columns = stmt.column_count();
        b.iter(|| {
            i = (i + 1) % ids.len();
            let mut rows = stmt.query([ids[i].as_str()]).unwrap();
            let mut out: Vec<Vec<rusqlite::types::Value>> = Vec::new();
            while let Some(row) = rows.next().unwrap() {
                out.push((0..columns).map(|c| row.get(c).unwrap()).collect());
            }
            black_box(out)
        })
    });

    let clerk = store
        .sign_in("clerk1", citizen_desk::demo::DEMO_PIN)
        .unwrap();
    let mut i = 0;
    group.bench_function("full_lookup_with_audit_row", |b| {
        b.iter(|| {
            i = (i + 1) % ids.len();
            black_box(store.lookup(&clerk, &ids[i]).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, lookup);
criterion_main!(benches);
