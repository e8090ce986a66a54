"""Media bench: one 12-megapixel JPEG from upload to all renditions, and the worker's peak memory.

Targets (issue 3): under 2 s and under 300 MB on this machine. The work runs in a fresh child process
(the "worker"), so its peak RSS (`resource.getrusage`) is the cost of Django plus this one job.
Run with `make bench` or `.venv/bin/python bench/media_bench.py`.
"""

import io
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RUNS = 3
TARGET_SECONDS = 2.0
TARGET_MB = 300


def _configure(workdir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "blog_site.settings",
            "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
            "MEDIA_ROOT": f"{workdir}/public",
            "PRIVATE_MEDIA_ROOT": f"{workdir}/private",
            "CELERY_BROKER_URL": "",
            "AWS_STORAGE_BUCKET_NAME": "",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def photo_12mp(seed: int) -> bytes:
    """A 4000x3000 JPEG with photo-like noise and gradients, EXIF orientation and GPS (~5 MB)."""
    from PIL import Image

    size = (4000, 3000)
    red = Image.radial_gradient("L").resize(size)
    green = Image.effect_noise(size, 30 + seed)
    blue = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (red, green, blue))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, float(seed))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def worker(workdir: str, photo: bytes, seed: int, queue: multiprocessing.Queue) -> None:
    _configure(workdir)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.accounts.models import User
    from apps.media import services
    from apps.media.models import Asset

    owner = User.objects.create_user(email=f"bench{seed}@example.com", is_staff=True)
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    uploaded = SimpleUploadedFile("IMG_0001.jpg", photo, content_type="image/jpeg")
    started = time.perf_counter()
    facts = services.asset_upload_validate(owner=owner, uploaded_file=uploaded)
    validated = time.perf_counter()
    # Outside a transaction, on_commit runs at once and Celery is eager: this includes all renditions.
    asset = services.asset_create(owner=owner, uploaded_file=uploaded, facts=facts)
    finished = time.perf_counter()
    asset = Asset.objects.get(pk=asset.pk)
    if asset.status != Asset.Status.READY:
        raise SystemExit(f"media bench: processing ended {asset.status}: {asset.error}")
    queue.put(
        {
            "validate_s": validated - started,
            "total_s": finished - started,
            "renditions": asset.renditions.count(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "baseline_mb": baseline_mb,
            "size_mb": len(photo) / 1e6,
        }
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="inkwell-media-bench-") as workdir:
        _configure(workdir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        context = multiprocessing.get_context("spawn")
        results = []
        for seed in range(RUNS):
            photo = photo_12mp(seed)
            queue = context.Queue()
            process = context.Process(target=worker, args=(workdir, photo, seed, queue))
            process.start()
            results.append(queue.get(timeout=300))
            process.join()
    total = statistics.median(r["total_s"] for r in results)
    peak = max(r["peak_mb"] for r in results)
    rows = [
        ("JPEG uploaded", f"4000x3000, {results[0]['size_mb']:.1f} MB", "", ""),
        ("renditions made", str(results[0]["renditions"]), "", ""),
        ("validate (sniff, hash, header)", f"{statistics.median(r['validate_s'] for r in results):.2f} s", "", ""),
        ("upload → all renditions (median)", f"{total:.2f} s", f"< {TARGET_SECONDS:.0f} s", _ok(total < 2)),
        ("worker peak RSS (max)", f"{peak:.0f} MB", f"< {TARGET_MB} MB", _ok(peak < TARGET_MB)),
        ("  of which Django at rest", f"{results[0]['baseline_mb']:.0f} MB", "", ""),
    ]
    print(f"{'media bench (' + str(RUNS) + ' runs)':34} {'measured':>22} {'target':>10}  result")
    for label, value, target, verdict in rows:
        print(f"{label:34} {value:>22} {target:>10}  {verdict}")
    return 0  # a missed target is reported, not fatal: `make bench` runs every script


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
