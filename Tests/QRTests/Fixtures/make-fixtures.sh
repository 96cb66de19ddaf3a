#!/usr/bin/env bash
# Makes the QR image fixtures from accounts.txt (fake accounts). Run from the package root after
# `swift build`; the batch id is random, so the images differ on each run, the accounts do not.
set -euo pipefail
here=Tests/QRTests/Fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
.build/debug/otpbridge convert "$here/accounts.txt" --to google-migration --qr png "$work/codes"
# A phone screenshot of the first of the three codes: the code on a tall screen with a title bar.
convert -size 1080x1920 xc:white -fill '#1a73e8' -draw 'rectangle 0,0 1080,160' \
  -fill '#9aa0a6' -draw 'rectangle 60,220 700,260' -draw 'rectangle 60,1300 1000,1330' \
  \( "$work/codes/1-Google-Authenticator-transfer-code-1-of-3.png" -filter point -resize 760x760 \) \
  -geometry +160+420 -composite "$here/screenshot-code-1-of-3.png"
# A photo of that screen: smaller, slightly rotated, blurred, unevenly lit, JPEG-compressed.
convert "$here/screenshot-code-1-of-3.png" -resize 70% -background '#d8d8d0' -rotate 4 \
  -blur 0x1.1 \( +clone -sparse-color Barycentric '0,0 white %[fx:w],%[fx:h] gray65' \) \
  -compose multiply -composite -quality 55 "$here/photo-of-screen.jpg"
# The same photo as an iPhone saves it (HEIC, HEVC-coded, by libheif's heif-enc) and the
# screenshot as WebP (cwebp): the formats phones and browsers give.
heif-enc -q 60 -o "$here/photo-of-screen.heic" "$here/photo-of-screen.jpg"
cwebp -quiet -q 75 "$here/screenshot-code-1-of-3.png" -o "$here/screenshot-code-1-of-3.webp"
