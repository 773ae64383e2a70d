//! Reconnect delays: linear or exponential growth, a cap, and jitter drawn from a seeded generator so
//! that the sequence is the same for the same seed (tests pin exact values).

use super::config::{Millis, ReconnectPolicy, ReconnectTimeMode};

/// Computes the delay before each reconnect attempt of a streak.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    rng: SplitMix64,
}

impl Backoff {
    pub(crate) fn new(seed: u64) -> Backoff {
        Backoff {
            rng: SplitMix64(seed),
        }
    }

    /// The delay before attempt `attempt` (1-based) of a streak.
    pub(crate) fn delay(&mut self, policy: &ReconnectPolicy, attempt: u32) -> Millis {
        let base = match policy.mode {
            ReconnectTimeMode::Linear => policy.delay,
            ReconnectTimeMode::Exponential => {
                let doublings = attempt.saturating_sub(1).min(63);
                policy.delay.saturating_mul(1u64 << doublings)
            }
        };
        // As stompjs 7.5: 0 means no cap, and a cap below the base delay is raised to it.
        let capped = match policy.max_delay {
            0 => base,
            cap => base.min(cap.max(policy.delay)),
        };
        let jitter = policy.jitter.clamp(0.0, 1.0);
        if jitter == 0.0 {
            return capped;
        }
        let taken = (capped as f64 * jitter * self.rng.next_unit()) as Millis;
        capped - taken.min(capped)
    }
}

/// SplitMix64: tiny, fast, and good enough to spread reconnects; not for anything secret.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(mode: ReconnectTimeMode, jitter: f64) -> ReconnectPolicy {
        ReconnectPolicy {
            delay: 1_000,
            mode,
            max_delay: 10_000,
            jitter,
            ..ReconnectPolicy::default()
        }
    }

    #[test]
    fn a_zero_cap_is_no_cap_as_in_stompjs() {
        let mut backoff = Backoff::new(1);
        let p = ReconnectPolicy {
            max_delay: 0,
            ..policy(ReconnectTimeMode::Exponential, 0.0)
        };
        let delays: Vec<_> = [1, 2, 10]
            .into_iter()
            .map(|k| backoff.delay(&p, k))
            .collect();
        assert_eq!(delays, [1_000, 2_000, 512_000]);
        // Doubling saturates instead of wrapping (the driver arms at most 2^31−1 ms at a time).
        assert_eq!(backoff.delay(&p, u32::MAX), u64::MAX);
    }

    #[test]
    fn linear_delay_is_constant() {
        let mut backoff = Backoff::new(1);
        let p = policy(ReconnectTimeMode::Linear, 0.0);
        let delays: Vec<_> = (1..=4).map(|k| backoff.delay(&p, k)).collect();
        assert_eq!(delays, [1_000, 1_000, 1_000, 1_000]);
    }

    #[test]
    fn exponential_delay_doubles_up_to_the_cap() {
        let mut backoff = Backoff::new(1);
        let p = policy(ReconnectTimeMode::Exponential, 0.0);
        let delays: Vec<_> = (1..=6).map(|k| backoff.delay(&p, k)).collect();
        assert_eq!(delays, [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
        assert_eq!(backoff.delay(&p, u32::MAX), 10_000);
    }

    #[test]
    fn the_cap_is_never_below_the_base_delay() {
        let mut backoff = Backoff::new(1);
        for max_delay in [1, 999] {
            let p = ReconnectPolicy {
                max_delay,
                ..policy(ReconnectTimeMode::Exponential, 0.0)
            };
            let delays: Vec<_> = [1, 2, 10, 64, u32::MAX]
                .into_iter()
                .map(|k| backoff.delay(&p, k))
                .collect();
            assert_eq!(delays, [1_000; 5], "max_delay {max_delay}");
        }
    }

    #[test]
    fn jitter_stays_within_bounds_and_repeats_for_a_seed() {
        let p = policy(ReconnectTimeMode::Exponential, 1.0);
        let run = |seed| {
            let mut backoff = Backoff::new(seed);
            (1..=50).map(|k| backoff.delay(&p, k)).collect::<Vec<_>>()
        };
        let first = run(42);
        assert_eq!(first, run(42));
        assert_ne!(first, run(43));
        let mut no_jitter = Backoff::new(0);
        let exact = policy(ReconnectTimeMode::Exponential, 0.0);
        for (k, delay) in (1..=50).zip(&first) {
            assert!(*delay <= no_jitter.delay(&exact, k));
        }
        assert!(
            first.iter().any(|&d| d < 5_000),
            "full jitter should go low"
        );
    }

    #[test]
    fn half_jitter_keeps_at_least_half_the_delay() {
        let mut backoff = Backoff::new(7);
        let p = policy(ReconnectTimeMode::Linear, 0.5);
        for k in 1..=100 {
            let d = backoff.delay(&p, k);
            assert!((500..=1_000).contains(&d), "{d}");
        }
    }
}
