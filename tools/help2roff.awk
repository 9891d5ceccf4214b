# help2roff.awk - one `lazytlb ... --help` text (stdin) as a man page (roff, stdout), so that
# the page is the help and cannot drift from it. POSIX awk (Debian's mawk).
#   awk -v page=lazytlb-record -v summary="..." -v version=0.1.0 -v date=2026-01-01 \
#       -v seealso="lazytlb lazytlb-report" -f tools/help2roff.awk
# The help's layout is read as:
#   "usage: ..." and the lines indented deeper than 2 below it  -> SYNOPSIS
#   a line at column 0 ending in ':' ("options:", "examples:")  -> a subsection
#   "  TERM  description", continued by deeper-indented lines   -> a tagged paragraph
#   the lines below "examples:", or with 3+ spaces mid-text     -> verbatim
#   anything else                                               -> filled text; a blank line
#                                                                  starts a paragraph
# Words are never hyphenated or dropped: the tests compare the page's words with the help's.

function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	if (s ~ /^[.']/)
		s = "\\&" s
	return s
}

function indent_of(s) {
	match(s, /^ */)
	return RLENGTH
}

function strip(s) {
	sub(/^ +/, "", s)
	sub(/ +$/, "", s)
	return s
}

# An option or term: -x words bold, UPPERCASE placeholders italic.
function term(s,    n, w, i, out, tail) {
	n = split(s, w, " ")
	out = ""
	for (i = 1; i <= n; i++) {
		tail = ""
		if (w[i] ~ /,$/) {
			tail = ","
			sub(/,$/, "", w[i])
		}
		if (w[i] ~ /^-/)
			w[i] = "\\fB" esc(w[i]) "\\fR"
		else if (w[i] ~ /^[A-Z][A-Z_=.,:\/]*$/ && w[i] ~ /[A-Z][A-Z]/)
			w[i] = "\\fI" esc(w[i]) "\\fR"
		else
			w[i] = esc(w[i])
		out = out (i > 1 ? " " : "") w[i] tail
	}
	return out
}

function end_block() {
	if (verbatim) {
		print ".fi"
		print ".RE"
		verbatim = 0
	}
	tagged = 0
}

function start_verbatim() {
	if (!verbatim) {
		tagged = 0
		if (para) {
			print ".PP"
			para = 0
		}
		print ".RS 4"
		print ".nf"
		verbatim = 1
	}
}

function body(line,    ind, text, t, d, is_term) {
	if (line ~ /^ *$/) {
		end_block()
		para = 1
		return
	}
	ind = indent_of(line)
	text = strip(line)
	if (ind == 0 && text ~ /:$/ && length(text) < 40) {
		end_block()
		examples = tolower(text) ~ /^examples?:$/
		sub(/:$/, "", text)
		print ".SS " esc(toupper(substr(text, 1, 1)) substr(text, 2))
		para = 0
		return
	}
	if (ind == 0)
		examples = 0
	if (examples || (ind > 0 && text ~ /[^ ]   +[^ ].*   +[^ ]/)) {
		start_verbatim()
		print esc(substr(line, ind > 4 ? 5 : ind + 1))
		return
	}
	if (verbatim)
		end_block()
	# "  TERM  description": TERM has no double space, description starts after 2+ spaces;
	# an option ("      --json  ...") may be indented as deep as the lines continuing another
	is_term = ind > 0 && match(text, /[^ ]  +[^ ]/) && RSTART <= 32 && (ind <= 8 || text ~ /^-/)
	if (tagged && ind > tag_indent + 1 && !(is_term && text ~ /^-/)) {
		print esc(text)
		return
	}
	if (is_term) {
		t = substr(text, 1, RSTART)
		d = strip(substr(text, RSTART + 1))
		print ".TP"
		print term(t)
		print esc(d)
		tagged = 1
		tag_indent = ind
		para = 0
		return
	}
	if (tagged || para) {
		print ".PP"
		tagged = 0
		para = 0
	}
	print esc(text)
}

BEGIN {
	upper = toupper(page)
	printf ".TH \"%s\" 1 \"%s\" \"lazytlb %s\" \"lazytlb manual\"\n", esc(upper), date, version
	cmd = page
	gsub(/-/, " ", cmd)
	print ".\\\" generated from `" cmd " --help` by tools/help2roff.awk: do not edit"
	print ".nh"
	print ".ad l"
	print ".SH NAME"
	print esc(page) " \\- " esc(summary)
	state = "start"
}

{
	if (state == "start" && $0 ~ /^usage: /) {
		print ".SH SYNOPSIS"
		print ".nf"
		line = $0
		sub(/^usage: +/, "", line)
		print esc(line)
		state = "synopsis"
		next
	}
	if (state == "synopsis") {
		if ($0 !~ /^ *$/ && indent_of($0) > 2) {
			# the help aligns these under the text after "usage: "
			line = $0
			sub(/ +$/, "", line)
			print esc(indent_of(line) >= 7 ? substr(line, 8) : strip(line))
			next
		}
		print ".fi"
	}
	if (state != "body") {
		print ".SH DESCRIPTION"
		state = "body"
		para = 0
		if ($0 ~ /^ *$/)
			next
	}
	body($0)
}

END {
	if (state == "synopsis")
		print ".fi"
	end_block()
	n = split(seealso, pages, " ")
	if (n) {
		print ".SH SEE ALSO"
		for (i = 1; i <= n; i++)
			print "\\fB" esc(pages[i]) "\\fR(1)" (i < n ? "," : "")
	}
}
