#!/usr/bin/env bash
# Build TinyStudio's Linux installers, install the .deb, run its self-test, uninstall.
#
#   bash packaging/build_linux.sh            # build + .deb + .tar.gz + install test (root: dpkg -i)
#   bash packaging/build_linux.sh --no-install   # build and package only
#
# Outputs in packaging/dist/ (ignored by git): tinystudio_<version>_<arch>.deb,
# tinystudio-<version>-linux-<arch>.tar.gz, build-report.json (sizes and timings; also printed
# as the last line on stdout).
#
# Environment:
#   BUILD_VENV   venv for the build (default packaging/.build-venv; created if missing, kept apart
#                from .venv so that PyInstaller never becomes a dependency of the app or its tests)
#   PYTHON       interpreter to create it with (default python3)
#   DROP_CACHES  1: empty the page cache before the first self-test (root only), for a cold start
#   INSTALL_MODE dpkg (default when root: dpkg -i, self-test, dpkg -r) or extract (dpkg-deb -x
#                into a temporary root and run the self-test from there; no root needed)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PKG=$ROOT/packaging
BUILD_VENV=${BUILD_VENV:-$PKG/.build-venv}
PYTHON=${PYTHON:-python3}
PYINSTALLER_VERSION=6.22.0
TORCH_VERSION=2.13.0
DIST=$PKG/dist
WORK=$PKG/build
DO_INSTALL=1
[ "${1:-}" = "--no-install" ] && DO_INSTALL=0
if [ -z "${INSTALL_MODE:-}" ]; then
  if [ "$(id -u)" = 0 ]; then INSTALL_MODE=dpkg; else INSTALL_MODE=extract; fi
fi

VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' tinystudio/__init__.py)
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "== build_linux: $*" >&2; }
mb() { du -sm "$1" | cut -f1; }

# -- 1. build environment (torch first, or pip fetches a multi-GB CUDA build) ----------------
t=$(now)
if [ ! -x "$BUILD_VENV/bin/pyinstaller" ]; then
  log "creating $BUILD_VENV"
  "$PYTHON" -m venv "$BUILD_VENV"
  "$BUILD_VENV/bin/pip" install -q --upgrade pip
  "$BUILD_VENV/bin/pip" install -q "torch==$TORCH_VERSION"
  "$BUILD_VENV/bin/pip" install -q "pyinstaller==$PYINSTALLER_VERSION" ".[export]"
fi
# The checkout is on PyInstaller's path (pathex), so an older installed copy is never bundled.
venv_s=$(since "$t")

# -- 2. PyInstaller one-folder build -------------------------------------------------------
t=$(now)
log "PyInstaller $PYINSTALLER_VERSION (a few minutes)"
rm -rf "$DIST/tinystudio" "$WORK"
"$BUILD_VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" "$PKG/tinystudio.spec" >&2
APP=$DIST/tinystudio
unslimmed_mb=$(mb "$APP")
# Strip symbols from the two big torch libraries only (global strip breaks numpy's OpenBLAS).
for lib in "$APP"/_internal/torch/lib/libtorch_cpu.so "$APP"/_internal/torch/lib/libtorch_python.so; do
  strip --strip-unneeded "$lib"
done
# The bundled README of the samples says where they come from; keep the licence files too.
build_s=$(since "$t")
bundle_mb=$(mb "$APP")
log "bundle: ${unslimmed_mb} MB, ${bundle_mb} MB after stripping libtorch (${build_s} s)"

# Quick check of the bundle itself before packaging it.
QT_QPA_PLATFORM=offscreen "$APP/tinystudio" --version >&2

# -- 3. .deb: /opt/tinystudio + /usr/bin/tinystudio + desktop entry + icons ----------------
t=$(now)
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
DEB_ROOT=$STAGE/deb
mkdir -p "$DEB_ROOT/DEBIAN" "$DEB_ROOT/opt" "$DEB_ROOT/usr/bin" "$DEB_ROOT/usr/share/applications" \
  "$DEB_ROOT/usr/share/doc/tinystudio"
cp -a "$APP" "$DEB_ROOT/opt/tinystudio"
# A wrapper, not a symlink: the bootloader then finds _internal/ next to the real binary.
cat > "$DEB_ROOT/usr/bin/tinystudio" <<'EOF'
#!/bin/sh
exec /opt/tinystudio/tinystudio "$@"
EOF
chmod 755 "$DEB_ROOT/usr/bin/tinystudio"
cp "$PKG/linux/tinystudio.desktop" "$DEB_ROOT/usr/share/applications/"
for n in 16 24 32 48 64 128 256 512; do
  d=$DEB_ROOT/usr/share/icons/hicolor/${n}x${n}/apps
  mkdir -p "$d" && cp "$ROOT/resources/icons/tinystudio-$n.png" "$d/tinystudio.png"
done
cat > "$DEB_ROOT/usr/share/doc/tinystudio/copyright" <<'EOF'
TinyStudio is released under the MIT licence. The bundled Python, Qt (LGPLv3), PySide6 (LGPLv3),
PyTorch (BSD), ONNX Runtime (MIT) and other libraries keep their own licences; their licence
files are inside /opt/tinystudio/_internal.
EOF
installed_kb=$(du -sk --exclude=DEBIAN "$DEB_ROOT" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE_KB@/$installed_kb/" \
  "$PKG/linux/control.in" > "$DEB_ROOT/DEBIAN/control"
find "$DEB_ROOT" -type d -exec chmod 755 {} +
DEB=$DIST/tinystudio_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zzstd --build "$DEB_ROOT" "$DEB" >&2
deb_s=$(since "$t")

# -- 4. .tar.gz of the one-folder build -------------------------------------------------------
t=$(now)
TGZ=$DIST/tinystudio-${VERSION}-linux-${ARCH}.tar.gz
tar -C "$DIST" -czf "$TGZ" tinystudio
tgz_s=$(since "$t")

deb_mb=$(awk -v b="$(stat -c %s "$DEB")" 'BEGIN { printf "%.1f", b / 1048576 }')
tgz_mb=$(awk -v b="$(stat -c %s "$TGZ")" 'BEGIN { printf "%.1f", b / 1048576 }')
log "built $DEB (${deb_mb} MB) and $TGZ (${tgz_mb} MB)"

# -- 5. install, self-test from the installed app, uninstall --------------------------------
selftest_json=null; cold=false; first_s=null; second_s=null; installed_mb=null; removed=null
run_selftest() {  # $1: command; a bare environment, so nothing leaks in from this shell or venv
  local home; home=$(mktemp -d)
  (cd "$home" && env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$1" --selftest)
  rm -rf "$home"
}
if [ "$DO_INSTALL" = 1 ]; then
  if [ "$INSTALL_MODE" = dpkg ]; then
    log "dpkg -i $DEB"
    if dpkg-query -W -f='${Status}' tinystudio 2>/dev/null | grep -q "install ok installed"; then
      log "tinystudio is already installed here: removing it first"; dpkg -r tinystudio >&2
    fi
    dpkg -i "$DEB" >&2 || { apt-get install -y -f >&2; }   # -f pulls missing Depends
    BIN=/usr/bin/tinystudio
    installed_mb=$(mb /opt/tinystudio)
  else
    INST=$STAGE/root
    log "extracting into $INST (no root needed)"
    dpkg-deb -x "$DEB" "$INST"
    sed -i "s#/opt/tinystudio#$INST/opt/tinystudio#" "$INST/usr/bin/tinystudio"
    BIN=$INST/usr/bin/tinystudio
    installed_mb=$(mb "$INST/opt/tinystudio")
  fi
  log "self-test of the installed app: $BIN --selftest"
  if [ "${DROP_CACHES:-0}" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
    sync && echo 3 > /proc/sys/vm/drop_caches  # a true cold start: nothing in the page cache
    cold=true
  fi
  t=$(now)
  if ! out=$(run_selftest "$BIN"); then
    echo "$out"
    log "SELF-TEST FAILED (details above)"
    [ "$INSTALL_MODE" = dpkg ] && dpkg -r tinystudio >&2  # never leave a broken install behind
    exit 1
  fi
  first_s=$(since "$t")
  t=$(now)
  run_selftest "$BIN" >/dev/null
  second_s=$(since "$t")
  selftest_json=$(echo "$out" | tail -n 1)
  echo "$selftest_json" >&2
  if [ "$INSTALL_MODE" = dpkg ]; then
    dpkg -r tinystudio >&2
    if [ -e /opt/tinystudio/tinystudio ] || [ -e /usr/bin/tinystudio ]; then removed=false; else removed=true; fi
  else
    removed=true
  fi
fi

# -- 6. report ---------------------------------------------------------------------------------
REPORT=$DIST/build-report.json
cat > "$REPORT" <<EOF
{"version": "$VERSION", "arch": "$ARCH", "pyinstaller": "$PYINSTALLER_VERSION",
 "bundle_mb_before_strip": $unslimmed_mb, "bundle_mb": $bundle_mb, "installed_mb": $installed_mb,
 "deb_mb": $deb_mb, "tar_gz_mb": $tgz_mb,
 "seconds": {"venv": $venv_s, "pyinstaller_and_strip": $build_s, "deb": $deb_s, "tar_gz": $tgz_s,
             "selftest_first_run": $first_s, "first_run_cold_cache": $cold, "selftest_second_run": $second_s},
 "install_mode": "$INSTALL_MODE", "uninstalled_cleanly": $removed,
 "selftest": $selftest_json}
EOF
"$BUILD_VENV/bin/python" -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))" "$REPORT"
