//! A per-address rate limit: a token bucket per IP (a burst, then a steady rate).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

    /// How long until `ip` may send one more, without counting anything: `None` when
    /// it may now. `limiter.wait(ip)` before even looking at a request.
    pub fn wait(&self, ip: IpAddr) -> Option<Duration> {
        self.wait_at(ip, Instant::now())
    }

    fn wait_at(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, at) = buckets.get(&ip)?;
        let tokens =
            (tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        if tokens >= 1.0 {
            None
        } else if self.per_second > 0.0 {
            Some(Duration::from_secs_f64((1.0 - tokens) / self.per_second))
        } else {
            Some(Duration::from_secs(3600))
        }
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

    #[test]
    fn waiting_counts_nothing() {
        let limiter = Limiter::new(2, 6);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let t0 = Instant::now();
        assert_eq!(limiter.wait_at(ip, t0), None, "an unknown address may");
        assert!(limiter.allow_at(ip, t0));
        assert_eq!(limiter.wait_at(ip, t0), None);
        assert_eq!(limiter.wait_at(ip, t0), None, "asking twice costs nothing");
        assert!(limiter.allow_at(ip, t0));
        let wait = limiter.wait_at(ip, t0).unwrap();
        assert!((9.9..=10.0).contains(&wait.as_secs_f64()), "{wait:?}");
        assert_eq!(limiter.wait_at(ip, t0 + Duration::from_secs(10)), None);
    }
}
