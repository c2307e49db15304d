//! `perflab class bench`: many learners posting batches of events to a class
//! server at once, to measure how many events a second it stores. A benchmark
//! for `bench/class-bench.sh`, not part of a workshop.
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::api;
use super::event::{Event, EventKind, MAX_BATCH};
use super::http::Client;
use super::outbox::now_ms;
use super::token;

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The class server's join URL
    #[arg(long)]
    url: String,
    /// Learners posting at once
    #[arg(long, default_value_t = 100)]
    learners: usize,
    /// How long to post
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Events a request (1 to 100)
    #[arg(long, default_value_t = 50)]
    batch: usize,
}

#[derive(Default)]
struct Tally {
    stored: u64,
    requests: u64,
    busy: u64,
    failed: u64,
    latency: Vec<u64>,
}

fn event(learner: &str, seq: u64) -> anyhow::Result<Event> {
    let kind = match seq % 5 {
        0 => EventKind::StepStarted,
        1 => EventKind::Hint { level: 1 },
        2 => EventKind::Answer {
            question: "which counter grows".into(),
            right: seq.is_multiple_of(3),
        },
        3 => EventKind::CheckFailed {
            predicate: "net.core.somaxconn >= 4096".into(),
            observed: "128".into(),
            expected: ">= 4096".into(),
        },
        _ => EventKind::Measured {
            goodput_before: Some(120.0),
            goodput_after: Some(950.0),
            p99_before_ms: Some(900.0),
            p99_after_ms: Some(25.0),
        },
    };
    Ok(Event {
        id: token::random_hex()?,
        learner: learner.to_string(),
        seq,
        at: now_ms(),
        stage: (seq % 7) as u8,
        step: "investigate".into(),
        kind,
    })
}

async fn join(url: String) -> anyhow::Result<super::Membership> {
    loop {
        match super::join(&url, "bench").await {
            Ok(m) => return Ok(m),
            Err(super::ClassError::Refused { status: 429, .. }) => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(e) => return Err(e.into()),
        }
    }
}

async fn learner(
    m: super::Membership,
    batch: usize,
    until: Instant,
    cancel: CancellationToken,
) -> anyhow::Result<Tally> {
    let mut client = Client::new(m.base()?, Duration::from_secs(10));
    let auth = m.auth();
    let headers: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut t = Tally::default();
    let mut seq = 0;
    while Instant::now() < until && !cancel.is_cancelled() {
        let events = (0..batch)
            .map(|i| event(&m.learner, seq + 1 + i as u64))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let body = serde_json::to_vec(&super::event::Batch { events })?;
        let start = Instant::now();
        let answer = client.request("POST", api::EVENTS, &headers, body).await;
        t.latency.push(start.elapsed().as_micros() as u64);
        t.requests += 1;
        match answer {
            Ok(a) if a.status == 200 => {
                let s: api::Stored = serde_json::from_slice(&a.body)?;
                t.stored += s.stored as u64;
                seq += batch as u64;
            }
            Ok(a) if a.status == 429 => {
                t.busy += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            _ => t.failed += 1,
        }
    }
    Ok(t)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

pub async fn run(a: BenchArgs, cancel: CancellationToken) -> anyhow::Result<String> {
    if !(1..=MAX_BATCH).contains(&a.batch) {
        anyhow::bail!(
            "--batch {}: 1 to {MAX_BATCH} events a request are accepted",
            a.batch
        );
    }
    super::parse_join_url(&a.url)?;
    let joins: Vec<_> = (0..a.learners)
        .map(|_| tokio::spawn(join(a.url.clone())))
        .collect();
    let mut members = Vec::new();
    for j in joins {
        members.push(j.await??);
    }
    let start = Instant::now();
    let until = start + Duration::from_secs(a.seconds);
    let tasks: Vec<_> = members
        .into_iter()
        .map(|m| tokio::spawn(learner(m, a.batch, until, cancel.clone())))
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await??;
        all.stored += t.stored;
        all.requests += t.requests;
        all.busy += t.busy;
        all.failed += t.failed;
        all.latency.extend(t.latency);
    }
    let secs = Instant::now()
        .saturating_duration_since(start)
        .as_secs_f64();
    all.latency.sort_unstable();
    Ok(format!(
        "learners {} batch {} seconds {:.1}: stored {} events = {:.0} events/s; {} requests = {:.0}/s \
         (429: {}, failed: {}); request latency p50 {:.1} ms p99 {:.1} ms",
        a.learners,
        a.batch,
        secs,
        all.stored,
        all.stored as f64 / secs,
        all.requests,
        all.requests as f64 / secs,
        all.busy,
        all.failed,
        percentile(&all.latency, 0.5),
        percentile(&all.latency, 0.99),
    ))
}
