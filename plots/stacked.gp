# stacked.gp - one stacked bar per result file (lazytlb plot).
# DATA: a header line (first column "file", then one name per stack part),
# then one line per file: its label, then the mean per-second rate of each part.
# NaN marks a part that file could not measure.
# lazytlb plot writes the variables first: W, H (pixels), OUT (output name
# without extension), DATA (data file), NCOLS (columns in DATA), TITLE, YLABEL.
load 'common.gp'

set title TITLE
set ylabel YLABEL
set style data histograms
set style histogram rowstacked
# white borders: parts stay apart, and a part that is 0 leaves no dark line
set style fill solid 0.9 border rgb 'white'
set boxwidth 0.6 relative
set yrange [0:*]
set key outside right top vertical
set grid noxtics ytics
# many files: slanted labels so that long scenario/kernel names do not overlap
set xtics rotate by -30 left

eval svg(OUT)
plot for [c=2:NCOLS] DATA using c:xtic(1) title columnheader(c)
eval png(OUT)
replot
unset output
