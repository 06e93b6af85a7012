#!/bin/sh
# make-clips.sh builds the lobby page's announcement clips: short mono
# 16 kHz Ogg Vorbis files that the page plays one after another
# ("请" "B" "零" "一" "二" "号" "到" "三" "号" "窗口" "办理").
#
# espeak-ng's plain "cmn" voice reads tone digits in English, so every
# clip is written in pinyin with tone numbers for the cmn-latn-pinyin voice.
# A hall with its own recordings replaces the files here with the same names
# (any length, mono or stereo, Ogg Vorbis) and rebuilds, or points
# YIMEN_VOICE_DIR at a directory holding replacements for any of them.
#
# Needs espeak-ng and sox (with Ogg Vorbis). Run from anywhere:
#   sh web/voice/make-clips.sh
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { # say NAME PINYIN
	espeak-ng -v cmn-latn-pinyin -s 150 -w "$tmp/$1.wav" "$2"
	# trim the silence espeak leaves at both ends, then mono 16 kHz Vorbis
	sox "$tmp/$1.wav" -r 16000 -c 1 -C 0 "$1.ogg" \
		silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 0.04 norm -1
}

# words
say qing "qing3"
say hao "hao4"
say dao "dao4"
say chuangkou "chuang1 kou3"
say banli "ban4 li3"
say zaici "zai4 ci4"
say chongfu "chong2 fu4"
say shi "shi2"

# digits, read one by one: B012 is "B 零 一 二"
say 0 "ling2"; say 1 "yi1"; say 2 "er4"; say 3 "san1"; say 4 "si4"
say 5 "wu3"; say 6 "liu4"; say 7 "qi1"; say 8 "ba1"; say 9 "jiu3"

# letters, the way a Chinese announcer reads them
say a "ei1"; say b "bi4"; say c "xi1"; say d "di4"; say e "yi4"
say f "ai2 fu1"; say g "ji4"; say h "ai2 qi1"; say i "ai4"; say j "jie4"
say k "kai4"; say l "ai2 le1"; say m "ai2 mu3"; say n "en1"; say o "ou1"
say p "pi4"; say q "qiu1"; say r "a1 er3"; say s "ai2 si1"; say t "ti4"
say u "you1"; say v "wei1"; say w "da2 bu2 liu3"; say x "ai2 ke4 si1"
say y "wai4"; say z "zei4"

# the chime: two soft bell tones, "ding-dong"
sox -n -r 16000 -c 1 "$tmp/ding.wav" synth 0.45 sine 880 fade q 0.01 0.45 0.4 vol 0.5
sox -n -r 16000 -c 1 "$tmp/dong.wav" synth 0.7 sine 660 fade q 0.01 0.7 0.65 vol 0.5
sox "$tmp/ding.wav" "$tmp/dong.wav" -C 0 chime.ogg pad 0 0.15
