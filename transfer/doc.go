// Package transfer runs the global sentiment transfer: Run optimizes an
// input photo toward a reference photo's look on a backbone network, the
// content loss on one feature map holding the input's structure and Gram
// losses on several holding the reference's style. A Preset is a complete
// setting of that optimization: the paper's is Paper, each network's own
// are in the engine's table of networks (engine.Network). The look it
// produces is a look.Grid, which applies to the photo at any size.
package transfer
