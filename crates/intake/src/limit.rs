//! A per-address rate limit: a token bucket per IP (a burst, then a steady rate).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

pub struct Limiter {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    /// `burst` requests at once, then `per_minute` a minute: `Limiter::new(30, 60)`.
    pub fn new(burst: u32, per_minute: u32) -> Limiter {
        Limiter {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `ip` may send one more request now (and counts it).
    pub fn allow(&self, ip: IpAddr) -> bool {
        self.allow_at(ip, Instant::now())
    }

    fn allow_at(&self, ip: IpAddr, now: Instant) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 100_000 {
            // Forget addresses whose bucket has refilled: they are back to the start.
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(ip).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_then_the_steady_rate_per_address() {
        let limiter = Limiter::new(3, 60);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.allow_at(a, t0)));
        assert!(!limiter.allow_at(a, t0), "the fourth at once is refused");
        assert!(
            limiter.allow_at(b, t0),
            "another address has its own bucket"
        );
        assert!(!limiter.allow_at(a, t0 + Duration::from_millis(500)));
        assert!(
            limiter.allow_at(a, t0 + Duration::from_millis(1100)),
            "one a second comes back"
        );
    }
}
