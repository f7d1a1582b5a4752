//! Collections with sorted output, strings, iterators and u128 arithmetic.
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};
use std::io::Read;

fn lcg(state: &mut u64) -> u64 {
    *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *state >> 33
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("args: {:?}", args);
    let mut env: Vec<(String, String)> = std::env::vars().collect();
    env.sort();
    println!("env: {:?}", env);

    let mut stdin = Vec::new();
    std::io::stdin().read_to_end(&mut stdin).unwrap();
    let lines: Vec<&[u8]> = stdin.split(|&b| b == b'\n').collect();
    println!("stdin: {} bytes, {} pieces, lossy first line {:?}", stdin.len(), lines.len(), String::from_utf8_lossy(lines[0]));

    let text = "it was the best of times it was the worst of times it was the age of wisdom it was the age of foolishness";
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for w in text.split_whitespace() {
        *freq.entry(w).or_default() += 1;
    }
    let mut by_count: Vec<(&str, usize)> = freq.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!("{:?}", by_count);

    let mut st = 42u64;
    let nums: Vec<i64> = (0..5000).map(|_| (lcg(&mut st) % 2000) as i64 - 1000).collect();
    let mut sorted = nums.clone();
    sorted.sort_unstable();
    let set: BTreeSet<i64> = nums.iter().copied().collect();
    let hs: HashSet<i64> = nums.iter().copied().collect();
    println!("min {} max {} median {} distinct {} {}", sorted[0], sorted[sorted.len() - 1], sorted[2500], set.len(), hs.len());
    println!("sum {} sum of squares {}", nums.iter().sum::<i64>(), nums.iter().map(|x| x * x).sum::<i64>());
    let mut buckets: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for &n in nums.iter().take(40) {
        buckets.entry(n.rem_euclid(7)).or_default().push(n);
    }
    for (k, v) in &buckets {
        println!("bucket {k}: {v:?}");
    }
    let mut heap: BinaryHeap<i64> = nums.iter().take(100).copied().collect();
    let top: Vec<i64> = (0..5).map(|_| heap.pop().unwrap()).collect();
    println!("top5 {top:?}");
    let mut dq: VecDeque<u32> = VecDeque::new();
    for i in 0..10 {
        if i % 2 == 0 { dq.push_back(i) } else { dq.push_front(i) }
    }
    dq.rotate_left(3);
    println!("deque {:?}", dq);
    let mut words: Vec<String> = text.split(' ').map(|w| w.chars().rev().collect()).collect();
    words.sort_by_key(|w| (w.len(), w.clone()));
    words.dedup();
    println!("{}", words.join(","));

    // u128 arithmetic
    let mut f: u128 = 1;
    for i in 1..=34u128 {
        f *= i;
    }
    println!("34! = {f} = {f:#x}");
    let a: u128 = 0xfedc_ba98_7654_3210_0123_4567_89ab_cdef;
    println!("{} {} {} {}", a / 0x1234567, a % 0x1234567, a >> 77, a.rotate_left(13));
    println!("{} {}", a.leading_zeros(), (a as i128).wrapping_neg());
    let (q, o) = a.overflowing_mul(3);
    println!("{q} {o} {:?} {:?}", a.checked_add(a), u128::MAX.checked_sub(a));
    let p: u64 = 0xffff_ffff_ffff_ffc5; // largest 64-bit prime
    let mut acc: u128 = 1;
    let mut base: u128 = 3;
    let mut e = p - 1;
    while e > 0 {
        if e & 1 == 1 { acc = acc * base % p as u128; }
        base = base * base % p as u128;
        e >>= 1;
    }
    println!("3^(p-1) mod p = {acc}");
}
