//! Apply timings against the throwaway PostgreSQL server:
//!
//!   scripts/with-postgres cargo bench -p team-db --bench apply
//!
//! Measures a first apply (role, membership, database, revoke, two schemas), a no-op
//! re-apply of the same resource, and a teardown, and counts what each sends to the server.

use std::time::{Duration, Instant};
use team_api::PostgresDatabase;
use team_db::Report;
use team_db::secrets::FoundSecrets;

const ROUNDS: usize = 30;

fn resource(pg: &test_support::Postgres, role: &str) -> (PostgresDatabase, FoundSecrets) {
    let pgdb = pg.database_resource(
        &role.replace('_', "-"),
        role,
        role,
        &["connect", "instrumentation"],
        true,
    );
    let secret = test_support::product_secret(None, Some("bench-password"));
    let found = FoundSecrets::from([(test_support::PRODUCT_SECRET.to_string(), secret)]);
    (pgdb, found)
}

struct Sample {
    elapsed: Duration,
    report: Report,
}

fn summary(what: &str, samples: &[Sample]) {
    let mut times: Vec<Duration> = samples.iter().map(|s| s.elapsed).collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let report = &samples[0].report;
    println!(
        "{what:<24} n={:<3} min {:>6.2} ms  median {:>6.2} ms  p95 {:>6.2} ms  mean {:>6.2} ms  | \
         {} statements, {} catalog queries, {} connections",
        times.len(),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[(times.len() * 95).div_ceil(100) - 1]),
        ms(mean),
        report.executed.len(),
        report.queries,
        report.connections,
    );
}

async fn timed<F: Future<Output = Result<Report, team_db::Error>>>(work: F) -> Sample {
    let start = Instant::now();
    let report = work.await.expect("the benchmark's apply succeeds");
    Sample {
        elapsed: start.elapsed(),
        report,
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // `cargo test --benches` passes --bench-less arguments; only `cargo bench` measures.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let pg = test_support::postgres();
    // The default sslmode (prefer) negotiates TLS on each of the three connections; the
    // second pass shows what the handshakes cost.
    for (label, parameters) in [("", ""), (", no TLS", "?sslmode=disable")] {
        let (mut first, mut noop, mut teardown) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let role = test_support::unique_name("bench");
            let (pgdb, mut found) = resource(&pg, &role);
            let admin_url = format!("{}{parameters}", pg.admin_url());
            found.insert(
                test_support::WORKLOAD_SECRET.to_string(),
                test_support::secret(
                    test_support::WORKLOAD_SECRET,
                    None,
                    &[("main-database-url", &admin_url)],
                ),
            );
            let provisioning = team_db::resolve::for_apply(&pgdb, &found).unwrap();
            first.push(timed(team_db::apply(&provisioning)).await);
            noop.push(timed(team_db::apply(&provisioning)).await);
            let down = team_db::resolve::for_teardown(&pgdb, &found).unwrap();
            teardown.push(timed(team_db::teardown(&down)).await);
        }
        assert!(noop.iter().all(|sample| sample.report.is_noop()));
        summary(&format!("first apply{label}"), &first);
        summary(&format!("no-op re-apply{label}"), &noop);
        summary(&format!("teardown{label}"), &teardown);
    }
}
