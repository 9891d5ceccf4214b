# flow.gp - the IPI flow of one result file (lazytlb plot): rows the causes (each with its
# top sender), columns the target CPU's state at the send, colour and text the requests per
# second. DATA: one line per cell: column (state), row, rate (NaN: none, drawn blank), text;
# then (index 1) one line per row: its y and its label.
# lazytlb plot writes the variables first: W, H (pixels), OUT (output name without
# extension), DATA (data file), NX, NY, XTICS (a gnuplot tic list), LMARGIN (characters for the
# row labels), TITLE.
load 'common.gp'

set title TITLE
set xlabel "the target CPU's state when the IPI was sent"
set cblabel 'IPI requests per second (log scale)'
set xrange [-0.5:NX-0.5]
set yrange [-0.5:NY-0.5]
eval 'set xtics ('.XTICS.')'
set tics nomirror
unset ytics
set lmargin LMARGIN
set grid noxtics noytics
unset key
set logscale cb
set format cb '%.0s%c'
set style textbox opaque fc rgb 'white' noborder margins 2,1

eval svg(OUT)
plot DATA index 0 using 1:2:3 with image pixels notitle, \
     DATA index 0 using 1:2:4 with labels boxed notitle, \
     DATA index 1 using (-0.5):1:2 with labels right offset -1.5,0 notitle
eval png(OUT)
replot
unset output
