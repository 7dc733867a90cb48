//! `pressroom-avif-speed`: how rav1e's speed settings trade time for size on
//! a photo, at the widths a page's `srcset` offers (BENCHMARKS.md, "Photos").
//!
//! `cargo run --release --example pressroom-avif-speed -- PHOTO [SPEED...]`
//! decodes PHOTO as a build does, resizes it to 480, 1200 and 1600 pixels
//! wide and encodes each at every SPEED (default 8 9 10) with the default
//! AVIF quality, one thread each, printing one Markdown table row per width
//! and speed: bytes and milliseconds of CPU (the median of three runs; CPU, not wall
//! time, so that other work on the machine does not count).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use pressroom::config::ImagesConfig;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: pressroom-avif-speed PHOTO [SPEED...]");
        return ExitCode::FAILURE;
    };
    let speeds: Vec<u8> = if args.len() > 1 {
        match args[1..].iter().map(|s| s.parse()).collect() {
            Ok(speeds) => speeds,
            Err(e) => {
                eprintln!("a speed is 1 to 10: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        vec![8, 9, 10]
    };
    let image = match std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| pressroom::images::decode(&bytes))
    {
        Ok(image) => image,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let quality = f32::from(ImagesConfig::default().avif_quality);
    println!("| width | speed | bytes | ms |\n|---|---|---|---|");
    for width in [480u32, 1200, 1600] {
        let height = image.height() * width / image.width();
        let rgb = image
            .resize_exact(width, height, image::imageops::FilterType::CatmullRom)
            .to_rgb8();
        let pixels: Vec<ravif::RGB8> = rgb
            .as_raw()
            .chunks_exact(3)
            .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
            .collect();
        let img = ravif::Img::new(&pixels[..], width as usize, height as usize);
        for &speed in &speeds {
            let mut times = Vec::new();
            let mut bytes = 0;
            for _ in 0..3 {
                let started = cpu_ms();
                let encoded = ravif::Encoder::new()
                    .with_quality(quality)
                    .with_speed(speed)
                    .with_num_threads(Some(1))
                    .encode_rgb(img);
                times.push(cpu_ms().saturating_sub(started));
                match encoded {
                    Ok(e) => bytes = e.avif_file.len(),
                    Err(e) => {
                        eprintln!("speed {speed}: {e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            times.sort_unstable();
            println!("| {width} | {speed} | {bytes} | {} |", times[1]);
        }
    }
    ExitCode::SUCCESS
}

/// The CPU time this process has used, in milliseconds: user and system
/// time from `/proc/self/stat` (Linux; 0 elsewhere, and the rows say 0).
fn cpu_ms() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0;
    };
    // The fields after the command name, which is in parentheses and may
    // hold spaces: utime and stime are the 14th and 15th of the line.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Clock ticks are 1/100 s on Linux.
    (ticks(11) + ticks(12)) * 10
}
