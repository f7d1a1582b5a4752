//! Panics caught with catch_unwind (custom hook: the default message would show the host's
//! thread id), Result/? error propagation, Drop during unwinding, and a chosen exit status.
use std::fmt;
use std::panic;

#[derive(Debug)]
enum AppError {
    Parse(String),
    Range(i64),
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            AppError::Parse(s) => write!(f, "cannot parse {s:?}"),
            AppError::Range(v) => write!(f, "{v} out of range"),
        }
    }
}

impl std::error::Error for AppError {}

fn parse_small(s: &str) -> Result<i64, AppError> {
    let v: i64 = s.trim().parse().map_err(|_| AppError::Parse(s.to_string()))?;
    if !(0..=100).contains(&v) {
        return Err(AppError::Range(v));
    }
    Ok(v)
}

fn total(items: &[&str]) -> Result<i64, Box<dyn std::error::Error>> {
    let mut t = 0;
    for s in items {
        t += parse_small(s)?;
    }
    Ok(t)
}

struct Guard(&'static str);
impl Drop for Guard {
    fn drop(&mut self) {
        println!("drop {}", self.0);
    }
}

fn deep(n: u32) -> u32 {
    let _g = Guard(if n % 2 == 0 { "even" } else { "odd" });
    if n == 0 {
        let v: Vec<u32> = Vec::new();
        return v[n as usize + 3]; // index out of bounds
    }
    deep(n - 1) + 1
}

fn main() {
    panic::set_hook(Box::new(|info| {
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "?".to_string()
        };
        let loc = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("panic hook: {msg} at {loc}");
    }));

    println!("{:?}", total(&["1", "2", " 30 "]));
    for case in [&["5", "x"][..], &["50", "60", "-1"][..], &["101"][..]] {
        match total(case) {
            Ok(v) => println!("ok {v}"),
            Err(e) => println!("error: {e}"),
        }
    }

    let r = panic::catch_unwind(|| deep(3));
    println!("deep: is_err {}", r.is_err());
    let r = panic::catch_unwind(|| {
        let _g = Guard("closure");
        panic!("custom message {}", 42);
    });
    match r {
        Err(p) => println!("payload: {:?}", p.downcast_ref::<String>()),
        Ok(()) => println!("no panic?"),
    }
    let r = panic::catch_unwind(|| {
        let a: i32 = unsafe { std::ptr::read_volatile(&i32::MAX) };
        a.checked_add(1).expect("overflow detected")
    });
    println!("checked: {}", r.is_err());
    let r = panic::catch_unwind(|| {
        let d: u64 = unsafe { std::ptr::read_volatile(&0u64) };
        100 / d
    });
    println!("div by zero: {}", r.is_err());
    let r: Result<(), _> = panic::catch_unwind(|| std::panic::panic_any(7u8));
    println!("panic_any u8: {:?}", r.err().and_then(|p| p.downcast_ref::<u8>().copied()));
    let sum: u64 = (1..=20u64).map(|i| i * i).sum();
    println!("sum {sum}");
    let code = (sum % 50) as i32;
    eprintln!("exiting with {code}");
    std::process::exit(code);
}
