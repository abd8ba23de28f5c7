// Package transfer runs the global sentiment transfer: Run optimizes an
// input photo toward a reference photo's look on a backbone network, the
// content loss on one feature map holding the input's structure and Gram
// losses on several holding the reference's style. Presets name complete
// settings of that optimization (PresetFor). The look it produces is a
// look.Grid, which applies to the photo at any size.
package transfer
