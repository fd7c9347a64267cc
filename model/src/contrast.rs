//! WCAG 2.x contrast: relative luminance, contrast ratios, grades, and the nearest colour of the
//! same hue that passes.

use crate::validate::Color;

/// Text needs this ratio for AA (WCAG 1.4.3).
pub const AA_TEXT: f64 = 4.5;
/// Text needs this ratio for AAA (WCAG 1.4.6).
pub const AAA_TEXT: f64 = 7.0;
/// Boundaries of controls need this ratio (WCAG 1.4.11, non-text contrast).
pub const AA_NON_TEXT: f64 = 3.0;

/// The relative luminance of a colour, 0 (black) to 1 (white).
#[must_use]
pub fn relative_luminance(color: &Color) -> f64 {
    let (r, g, b) = color.rgb();
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// The contrast ratio of two colours, 1 to 21, whichever is lighter.
#[must_use]
pub fn contrast_ratio(a: &Color, b: &Color) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    let (light, dark) = if la >= lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// White.
#[must_use]
pub fn white() -> Color {
    Color::parse("#ffffff").unwrap_or_else(|_| unreachable!("a valid literal"))
}

/// Black.
#[must_use]
pub fn black() -> Color {
    Color::parse("#000000").unwrap_or_else(|_| unreachable!("a valid literal"))
}

/// White or black, whichever reads better on `background` (for button labels).
#[must_use]
pub fn text_color_on(background: &Color) -> Color {
    let (white, black) = (white(), black());
    if contrast_ratio(&white, background) >= contrast_ratio(&black, background) {
        white
    } else {
        black
    }
}

/// How a pair of colours fares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// Meets the enhanced level.
    Aaa,
    /// Meets the minimum level.
    Aa,
    /// Fails the minimum.
    Fail,
}

/// What a pair of colours is used for, which decides the ratios it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Text: 4.5 for AA, 7 for AAA.
    Text,
    /// A control's edge against its surroundings: 3 for AA, no AAA level.
    NonText,
}

impl Use {
    /// The ratio needed for AA.
    #[must_use]
    pub fn aa(self) -> f64 {
        match self {
            Self::Text => AA_TEXT,
            Self::NonText => AA_NON_TEXT,
        }
    }

    /// The ratio needed for AAA, where WCAG defines one.
    #[must_use]
    pub fn aaa(self) -> Option<f64> {
        match self {
            Self::Text => Some(AAA_TEXT),
            Self::NonText => None,
        }
    }

    /// The grade a ratio earns.
    #[must_use]
    pub fn grade(self, ratio: f64) -> Grade {
        // Ratios are compared as WCAG tools show them, to two decimals: 4.499 is not 4.5.
        let ratio = (ratio * 100.0).floor() / 100.0;
        if self.aaa().is_some_and(|aaa| ratio >= aaa) {
            Grade::Aaa
        } else if ratio >= self.aa() {
            Grade::Aa
        } else {
            Grade::Fail
        }
    }
}

fn to_hsl(color: &Color) -> (f64, f64, f64) {
    let (r, g, b) = color.rgb();
    let (r, g, b) = (
        f64::from(r) / 255.0,
        f64::from(g) / 255.0,
        f64::from(b) / 255.0,
    );
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let l = (max + min) / 2.0;
    if (max - min).abs() < f64::EPSILON {
        return (0.0, 0.0, l);
    }
    let d = max - min;
    let s = if l > 0.5 {
        d / (2.0 - max - min)
    } else {
        d / (max + min)
    };
    let h = if (max - r).abs() < f64::EPSILON {
        (g - b) / d + if g < b { 6.0 } else { 0.0 }
    } else if (max - g).abs() < f64::EPSILON {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    (h / 6.0, s, l)
}

fn from_hsl(h: f64, s: f64, l: f64) -> Color {
    let hue = |p: f64, q: f64, mut t: f64| {
        if t < 0.0 {
            t += 1.0;
        }
        if t > 1.0 {
            t -= 1.0;
        }
        if t < 1.0 / 6.0 {
            p + (q - p) * 6.0 * t
        } else if t < 0.5 {
            q
        } else if t < 2.0 / 3.0 {
            p + (q - p) * (2.0 / 3.0 - t) * 6.0
        } else {
            p
        }
    };
    let (r, g, b) = if s == 0.0 {
        (l, l, l)
    } else {
        let q = if l < 0.5 {
            l * (1.0 + s)
        } else {
            l + s - l * s
        };
        let p = 2.0 * l - q;
        (
            hue(p, q, h + 1.0 / 3.0),
            hue(p, q, h),
            hue(p, q, h - 1.0 / 3.0),
        )
    };
    // Channels are clamped to 0..=255 first, so the casts cannot truncate.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let byte = |c: f64| (c * 255.0).round().clamp(0.0, 255.0) as u8;
    Color::parse(&format!("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b)))
        .unwrap_or_else(|_| unreachable!("formatted as six hex digits"))
}

/// The colour of the same hue and saturation as `color`, with the lightness closest to its own,
/// that reaches `target` against `against`. `None` when `color` already passes.
#[must_use]
pub fn nearest_passing(color: &Color, against: &Color, target: f64) -> Option<Color> {
    let passes = |c: &Color| contrast_ratio(c, against) >= target;
    if passes(color) {
        return None;
    }
    let (h, s, l) = to_hsl(color);
    // Walk outwards in 0.5 % steps of lightness; black and white end the walk, and one of them
    // always reaches 4.58:1 against any colour.
    for step in 1..=200 {
        let delta = f64::from(step) * 0.005;
        for candidate in [l - delta, l + delta] {
            if (0.0..=1.0).contains(&candidate) {
                let c = from_hsl(h, s, candidate);
                if passes(&c) {
                    return Some(c);
                }
            }
        }
    }
    [black(), white()].into_iter().find(|c| passes(c))
}

/// One checked pair of the sign-in page.
#[derive(Debug, Clone, PartialEq)]
pub struct ContrastCheck {
    /// What the pair is, in words.
    pub label: &'static str,
    /// The colour in front.
    pub foreground: Color,
    /// The colour behind.
    pub background: Color,
    /// Text or a control's edge.
    pub usage: Use,
    /// The ratio.
    pub ratio: f64,
    /// How it fares.
    pub grade: Grade,
    /// Which branding field a fix would change (`primary` or `page_background`).
    pub fixes: &'static str,
    /// For a failing pair, the nearest colour of the same hue that passes AA.
    pub suggestion: Option<Color>,
}

/// Which side of a pair the branding controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Foreground,
    Background,
}

fn check(
    label: &'static str,
    (foreground, background): (Color, Color),
    usage: Use,
    (fixes, side): (&'static str, Side),
) -> ContrastCheck {
    let ratio = contrast_ratio(&foreground, &background);
    let grade = usage.grade(ratio);
    // The suggestion changes the branding colour and keeps the other side as it is.
    let (changing, fixed) = match side {
        Side::Foreground => (&foreground, &background),
        Side::Background => (&background, &foreground),
    };
    let suggestion = (grade == Grade::Fail)
        .then(|| nearest_passing(changing, fixed, usage.aa() + 0.01))
        .flatten();
    ContrastCheck {
        label,
        foreground,
        background,
        usage,
        ratio,
        grade,
        fixes,
        suggestion,
    }
}

/// The pairs of Auth0's sign-in box that branding decides: the button label on the primary
/// colour, links in the primary colour on the white box, and the box against the page.
#[must_use]
pub fn sign_in_checks(primary: &Color, page_background: &Color) -> Vec<ContrastCheck> {
    let card = white();
    vec![
        check(
            "Button text on the primary colour",
            (text_color_on(primary), primary.clone()),
            Use::Text,
            ("primary", Side::Background),
        ),
        check(
            "Links on the sign-in box",
            (primary.clone(), card.clone()),
            Use::Text,
            ("primary", Side::Foreground),
        ),
        check(
            "Sign-in box against the page background",
            (card, page_background.clone()),
            Use::NonText,
            ("page_background", Side::Background),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn c(hex: &str) -> Color {
        Color::parse(hex).expect("test colour")
    }

    fn round2(x: f64) -> f64 {
        (x * 100.0).round() / 100.0
    }

    #[test]
    fn published_wcag_examples() {
        assert_eq!(round2(contrast_ratio(&c("#000000"), &c("#ffffff"))), 21.0);
        assert_eq!(round2(contrast_ratio(&c("#777777"), &c("#ffffff"))), 4.48);
        assert_eq!(round2(contrast_ratio(&c("#767676"), &c("#ffffff"))), 4.54);
        assert_eq!(round2(contrast_ratio(&c("#0000ff"), &c("#ffffff"))), 8.59);
        assert_eq!(round2(contrast_ratio(&c("#ffffff"), &c("#ffffff"))), 1.0);
    }

    #[test]
    fn grades_flip_exactly_at_the_thresholds() {
        assert_eq!(
            Use::Text.grade(contrast_ratio(&c("#777777"), &white())),
            Grade::Fail
        );
        assert_eq!(
            Use::Text.grade(contrast_ratio(&c("#767676"), &white())),
            Grade::Aa
        );
        assert_eq!(Use::Text.grade(7.0), Grade::Aaa);
        assert_eq!(Use::NonText.grade(3.0), Grade::Aa);
        assert_eq!(
            Use::NonText.grade(20.0),
            Grade::Aa,
            "non-text has no AAA level"
        );
    }

    #[test]
    fn button_text_is_white_on_dark_and_black_on_light() {
        assert_eq!(text_color_on(&c("#0000ff")), white());
        assert_eq!(text_color_on(&c("#ffff00")), black());
    }

    #[test]
    fn the_seed_scenario_blue_passes_everywhere_on_a_dark_page() {
        let checks = sign_in_checks(&c("#0000ff"), &c("#0b1437"));
        assert!(
            checks.iter().all(|check| check.grade != Grade::Fail),
            "{checks:?}"
        );
    }

    #[test]
    fn a_pale_primary_fails_and_gets_a_darker_suggestion_of_the_same_hue() {
        let checks = sign_in_checks(&c("#7ab8ff"), &c("#0b1437"));
        let links = &checks[1];
        assert_eq!(links.grade, Grade::Fail);
        let suggestion = links.suggestion.clone().expect("a suggestion");
        assert!(contrast_ratio(&suggestion, &white()) >= AA_TEXT);
        let (h1, _, l1) = to_hsl(&c("#7ab8ff"));
        let (h2, _, l2) = to_hsl(&suggestion);
        assert!((h1 - h2).abs() < 0.02, "same hue");
        assert!(l2 < l1, "darker");
    }

    proptest! {
        #[test]
        fn ratio_is_symmetric_and_between_1_and_21(a in "[0-9a-f]{6}", b in "[0-9a-f]{6}") {
            let (a, b) = (c(&format!("#{a}")), c(&format!("#{b}")));
            let ratio = contrast_ratio(&a, &b);
            prop_assert!((1.0..=21.0001).contains(&ratio));
            prop_assert!((ratio - contrast_ratio(&b, &a)).abs() < 1e-9);
        }

        #[test]
        fn nearest_passing_colour_always_passes(a in "[0-9a-f]{6}", b in "[0-9a-f]{6}", target in prop::sample::select(vec![AA_NON_TEXT, AA_TEXT])) {
            let (a, b) = (c(&format!("#{a}")), c(&format!("#{b}")));
            match nearest_passing(&a, &b, target) {
                None => prop_assert!(contrast_ratio(&a, &b) >= target),
                Some(fix) => prop_assert!(contrast_ratio(&fix, &b) >= target, "{} vs {}", fix, b),
            }
        }

        #[test]
        fn every_failing_check_has_a_suggestion_that_passes(p in "[0-9a-f]{6}", bg in "[0-9a-f]{6}") {
            for check in sign_in_checks(&c(&format!("#{p}")), &c(&format!("#{bg}"))) {
                if check.grade == Grade::Fail {
                    let fix = check.suggestion.clone();
                    prop_assert!(fix.is_some(), "{:?}", check);
                }
            }
        }
    }
}
