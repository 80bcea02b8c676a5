//! Kubernetes quantities (`500m`, `2`, `1.5Gi`, `1e3`) read as numbers.

/// The amount a Kubernetes quantity stands for (`500m` = 0.5, `1Ki` = 1024, `1e3` = 1000),
/// or `None` when the text is not a quantity.
pub fn amount(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        exponent => {
            let digits = exponent.strip_prefix(['e', 'E'])?;
            10f64.powi(digits.parse().ok()?)
        }
    };
    Some(number * factor).filter(|value| value.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_of_every_suffix() {
        assert_eq!(amount("250m"), Some(0.25));
        assert_eq!(amount("2Ki"), Some(2048.0));
        assert_eq!(amount("1.5G"), Some(1.5e9));
        assert_eq!(amount("12e2"), Some(1200.0));
        assert_eq!(amount("1E3"), Some(1000.0));
        assert_eq!(amount("lots"), None);
        assert_eq!(amount("1Xi"), None);
        assert_eq!(amount(""), None);
    }
}
