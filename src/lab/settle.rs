//! A defined start for every measured run: what the previous run left in the
//! server is gone. A run leaves three things that change the next one (see
//! lessons 3 and 5): connections still being served, nginx-side TIME_WAIT that
//! holds its ephemeral ports for 60 s (with `tcp_tw_reuse` 0), and a warm
//! php-fpm pool. Settling waits until the server is quiet, restarts php-fpm
//! (which can itself leave a few nginx-side TIME_WAIT), then destroys every
//! TIME_WAIT socket of the namespace and checks that none is left on nginx's side.
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::engine::{Server, Side};

use super::LabError;

/// The longest wait for the previous run's connections to finish.
const QUIET_WITHIN: Duration = Duration::from_secs(30);
/// A kernel that cannot destroy TIME_WAIT (`ss -K`, before 6.x) waits them out.
const TIME_WAIT_LIFE: Duration = Duration::from_secs(65);

/// How the server was settled before a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settled {
    /// Seconds spent waiting for the previous run's connections to end.
    pub waited_s: f64,
    /// Whether the server went quiet in time (else the run starts with them).
    pub quiet: bool,
    /// nginx-side TIME_WAIT sockets left when the run starts (0 when settled).
    pub time_wait_left: u64,
}

/// Quiet means: no socket on :80 or to/from :9000 but LISTEN and TIME-WAIT,
/// both listen queues empty, and the TIME_WAIT count unchanged for a second.
/// Prints the seconds waited and `quiet` or `busy`.
fn wait_script() -> String {
    format!(
        r#"export LC_ALL=C
start=$EPOCHREALTIME; deadline=$((SECONDS + {secs})); last=-1; stable=0; state=busy
while [ $SECONDS -lt $deadline ]; do
  busy=$(ss -Htan '( sport = :80 or sport = :9000 or dport = :9000 )' | awk '$1 != "LISTEN" && $1 != "TIME-WAIT"' | wc -l)
  queued=$(ss -Hltn '( sport = :80 or sport = :9000 )' | awk '{{ q += $2 }} END {{ print q + 0 }}')
  tw=$(ss -Htan state time-wait | wc -l)
  if [ "$busy" -eq 0 ] && [ "$queued" -eq 0 ] && [ "$tw" -eq "$last" ]; then
    stable=$((stable + 1)); [ $stable -ge 5 ] && {{ state=quiet; break; }}
  else
    stable=0
  fi
  last=$tw; sleep 0.2
done
awk -v a="$start" -v b="$EPOCHREALTIME" -v s="$state" 'BEGIN {{ printf "%.1f %s\n", b - a, s }}'"#,
        secs = QUIET_WITHIN.as_secs()
    )
}

/// Destroys every TIME_WAIT socket, flushes nginx's buffered access log, and
/// prints how many nginx-side TIME_WAIT are left (those whose remote port is 9000).
const CLEAR: &str = "ss -K state time-wait >/dev/null 2>&1; \
    nginx -s reopen || exit 1; \
    ss -Htan state time-wait '( dport = :9000 )' | wc -l";

/// Settles the server for the next run.
pub async fn settle(server: &Server) -> Result<Settled, LabError> {
    let waited = server
        .exec(
            Side::Nginx,
            &["bash", "-c", &wait_script()],
            QUIET_WITHIN + Duration::from_secs(10),
        )
        .await?
        .ok("waiting for the server to finish the previous run")?;
    let mut words = waited.stdout.split_whitespace();
    let waited_s = words.next().and_then(|w| w.parse().ok()).unwrap_or(0.0);
    let quiet = words.next() == Some("quiet");
    server.lab().restart_phpfpm().await?;
    let started = Instant::now();
    loop {
        let out = server
            .sh(Side::Nginx, CLEAR, Duration::from_secs(30))
            .await?
            .ok("clearing the previous run's TIME_WAIT sockets")?;
        let left: u64 = out.stdout.trim().parse().unwrap_or(0);
        if left == 0 || started.elapsed() > TIME_WAIT_LIFE {
            return Ok(Settled {
                waited_s,
                quiet,
                time_wait_left: left,
            });
        }
        // This kernel keeps TIME_WAIT (no `ss -K`): wait for it to expire.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
