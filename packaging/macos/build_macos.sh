#!/usr/bin/env bash
# Build TinyStudio.app and TinyStudio-<version>.dmg on macOS; sign and notarize when asked.
#
#   bash packaging/macos/build_macos.sh                 # unsigned (ad-hoc) .app + .dmg
#   CODESIGN_IDENTITY="Developer ID Application: Name (TEAMID)" \
#   NOTARY_PROFILE=tinystudio-notary bash packaging/macos/build_macos.sh   # signed + notarized
#
# NOT RUN on our Linux build machine; written to PyInstaller's and Apple's documentation and
# checked only by the CI workflow (.github/workflows/build-installers.yml). See README.md here.
# NOTARY_PROFILE is a keychain profile made once with:
#   xcrun notarytool store-credentials tinystudio-notary --apple-id ID --team-id TEAMID --password APP_SPECIFIC_PASSWORD
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PKG=$ROOT/packaging
BUILD_VENV=${BUILD_VENV:-$PKG/.build-venv}
DIST=$PKG/dist
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' tinystudio/__init__.py)
APP=$DIST/TinyStudio.app
DMG=$DIST/TinyStudio-$VERSION-macos-$(uname -m).dmg

if [ ! -x "$BUILD_VENV/bin/pyinstaller" ]; then
  "${PYTHON:-python3}" -m venv "$BUILD_VENV"
  "$BUILD_VENV/bin/pip" install -q --upgrade pip
  "$BUILD_VENV/bin/pip" install -q torch==2.13.0          # first: the CPU build, never CUDA
  "$BUILD_VENV/bin/pip" install -q pyinstaller==6.22.0 ".[export]"
fi

rm -rf "$APP" "$DMG" "$DIST/TinyStudio"
"$BUILD_VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$PKG/build" "$PKG/tinystudio.spec"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  # Sign inside-out: every nested Mach-O file first (dylibs, .so modules, Qt frameworks'
  # binaries, torch_shm_manager), then the app. Apple advises against `codesign --deep`.
  ENT=$PKG/macos/entitlements.plist
  sign() { codesign --force --timestamp --options runtime --entitlements "$ENT" --sign "$CODESIGN_IDENTITY" "$@"; }
  find "$APP/Contents" -type f ! -path "*/Contents/MacOS/TinyStudio" -print0 |
    while IFS= read -r -d '' f; do
      if file -b "$f" | grep -q "Mach-O"; then sign "$f"; fi
    done
  # Qt's .framework folders inside the bundle are signed as bundles too.
  find "$APP/Contents" -type d -name "*.framework" -print0 | while IFS= read -r -d '' fw; do sign "$fw"; done
  sign "$APP/Contents/MacOS/TinyStudio"
  sign "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
fi

# The .dmg: the app and a link to /Applications to drag it onto.
STAGE=$(mktemp -d)
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "TinyStudio $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
rm -rf "$STAGE"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
  if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
    spctl --assess --type open --context context:primary-signature --verbose "$DMG"
  fi
fi

# Smoke test from the .dmg, as a user would install it: attach, copy, run, detach.
MNT=$(mktemp -d)
hdiutil attach "$DMG" -nobrowse -readonly -mountpoint "$MNT" >/dev/null
INSTALL=$(mktemp -d)
cp -R "$MNT/TinyStudio.app" "$INSTALL/"
hdiutil detach "$MNT" >/dev/null
"$INSTALL/TinyStudio.app/Contents/MacOS/TinyStudio" --selftest
rm -rf "$INSTALL"
du -sh "$APP" "$DMG"
