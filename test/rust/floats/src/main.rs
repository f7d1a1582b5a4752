//! Float formatting and parsing, IEEE special values, f32/f64 arithmetic, integer/float conversion.
fn main() {
    let vals = [0.0f64, -0.0, 1.0 / 3.0, 2.0 / 3.0, 0.1 + 0.2, 1e-300, 1e300, 123456789.125, 6.02214076e23,
        f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MIN_POSITIVE, 5e-324, f64::MAX, f64::EPSILON, 100.0, 1e21, 1e-7];
    for v in vals {
        println!("{} | {:?} | {:e} | {:.3} | {:+.10e} | {:20.5} | {:<12}|", v, v, v, v, v, v, v);
    }
    let fvals = [0.1f32, 1.0 / 3.0, 16777217.0, f32::MAX, f32::MIN_POSITIVE, 1e-45, -2.5];
    for v in fvals {
        println!("{} {:?} {:e} {:08.2} bits {:#010x}", v, v, v, v, v.to_bits());
    }
    let inputs = ["3.14159", "-0", "1e308", "1e309", "2.2250738585072011e-308", "4.9e-324", "nan", "-inf", "0x10", "1_000", "  7", "1.7976931348623157e308", "0.30000000000000004"];
    for s in inputs {
        match s.parse::<f64>() {
            Ok(v) => println!("parse {s:?} -> {v:?} ({:#018x})", v.to_bits()),
            Err(e) => println!("parse {s:?} -> error {e}"),
        }
    }
    // arithmetic that must be exact IEEE
    let mut x = 1.0f64;
    let mut s = 0.0f64;
    for i in 1..=2000 {
        x = x * 1.0001 + 1.0 / i as f64;
        s += x.sqrt() / (i as f64 + 0.5);
    }
    println!("{x:?} {s:?}");
    let mut y = 1.0f32;
    for i in 1..=500 {
        y = (y * 1.01 + 0.5 / i as f32).sqrt() * 3.0;
    }
    println!("{y:?} {}", y.to_bits());
    println!("{:?} {:?} {:?}", 0.1f64.mul_add(10.0, -1.0), (2.0f64).powi(-1074), (-8.0f64).cbrt());
    println!("{:?} {:?} {:?} {:?}", 2.5f64.round(), (-2.5f64).round(), 3.5f64.floor(), 7.9f64.trunc());
    println!("{:?} {:?} {:?}", f64::NAN.max(1.0), (-0.0f64).min(0.0), 1.0f64.copysign(-0.0));
    for v in [1e19f64, -1e19, 3.99, -3.99, f64::NAN, 4294967296.5, -1.0] {
        println!("{v:?} as i64 {} as u64 {} as i32 {} as u8 {}", v as i64, v as u64, v as i32, v as u8);
    }
    for n in [i64::MIN, i64::MAX, 9007199254740993, -1, u32::MAX as i64] {
        println!("{n} as f64 {:?} as f32 {:?}", n as f64, n as f32);
    }
    println!("{:?}", u64::MAX as f64);
    let hm: f64 = (1..=100).map(|k| 1.0 / k as f64).sum();
    println!("harmonic {hm:.15} ln {:.15} exp {:.15}", hm.ln(), (0.5f64).exp());
    println!("{:.12} {:.12} {:.12}", (1.0f64).atan2(2.0), (0.75f64).sin(), (0.75f64).cos());
}
