// std::thread with the kernel surface QVM schedules deterministically: spawn/join, mpsc channels,
// Arc<Mutex>, Condvar, RwLock, Barrier, atomics, thread::sleep, scoped threads, thread names.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Condvar, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

fn main() {
    // workers sending results over a channel
    let (tx, rx) = mpsc::channel();
    let mut handles = Vec::new();
    for id in 0..6u64 {
        let tx = tx.clone();
        handles.push(thread::spawn(move || {
            let mut h = id;
            for _ in 0..10_000 {
                h = h.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            }
            tx.send((id, h >> 40)).unwrap();
            id * 10
        }));
    }
    drop(tx);
    let mut got: Vec<(u64, u64)> = rx.iter().collect();
    got.sort();
    let joined: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    println!("results {:?} joined {}", got, joined);

    // shared counter
    let counter = Arc::new(Mutex::new(0u64));
    let atomic = Arc::new(AtomicU64::new(0));
    let hs: Vec<_> = (0..8)
        .map(|i| {
            let c = Arc::clone(&counter);
            let a = Arc::clone(&atomic);
            thread::spawn(move || {
                for _ in 0..2000 {
                    *c.lock().unwrap() += i;
                    a.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    println!("mutex {} atomic {}", *counter.lock().unwrap(), atomic.load(Ordering::SeqCst));

    // condvar ping-pong with strict alternation
    let pair = Arc::new((Mutex::new((0u32, String::new())), Condvar::new()));
    let players: Vec<_> = (0..2u32)
        .map(|me| {
            let pair = Arc::clone(&pair);
            thread::spawn(move || {
                let (m, cv) = &*pair;
                for i in 0..8 {
                    let mut g = m.lock().unwrap();
                    while g.0 != me {
                        g = cv.wait(g).unwrap();
                    }
                    g.1.push_str(&format!("{}{} ", if me == 0 { "ping" } else { "pong" }, i));
                    g.0 = 1 - me;
                    cv.notify_all();
                }
            })
        })
        .collect();
    for p in players {
        p.join().unwrap();
    }
    println!("{}", pair.0.lock().unwrap().1.trim_end());

    // barrier + rwlock + named threads
    let barrier = Arc::new(Barrier::new(4));
    let table = Arc::new(RwLock::new(Vec::new()));
    let hs: Vec<_> = (0..4)
        .map(|i| {
            let b = Arc::clone(&barrier);
            let t = Arc::clone(&table);
            thread::Builder::new()
                .name(format!("worker-{}", i))
                .spawn(move || {
                    t.write().unwrap().push(i);
                    b.wait();
                    let n = t.read().unwrap().len();
                    format!("{} saw {}", thread::current().name().unwrap(), n)
                })
                .unwrap()
        })
        .collect();
    for h in hs {
        println!("{}", h.join().unwrap());
    }

    // sleeping threads wake in deadline order; time advances
    let start = Instant::now();
    let (tx, rx) = mpsc::channel();
    for ms in [40u64, 10, 30, 20] {
        let tx = tx.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(ms * 5));
            tx.send(ms).unwrap();
        });
    }
    drop(tx);
    let order: Vec<u64> = rx.iter().collect();
    println!("sleep order {:?} elapsed >= 200ms: {}", order, start.elapsed() >= Duration::from_millis(200));

    // scoped threads borrowing the stack
    let data: Vec<u64> = (1..=1000).collect();
    let total: u64 = thread::scope(|s| {
        let hs: Vec<_> = data.chunks(250).map(|c| s.spawn(move || c.iter().sum::<u64>())).collect();
        hs.into_iter().map(|h| h.join().unwrap()).sum()
    });
    println!("scoped sum {}", total);
}
